import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRecords } from '../src/server/observability/request-records.js';
import { textLines } from '../src/shared/text-lines.js';
import { openStreams } from './helpers/metrics-text.js';
import { postJson, runnerWithTinyModels, statusOf } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';

interface ServerEvent {
  event: string;
  data: string;
}

/** The server-sent events of a response, as they come. */
async function* serverEvents(response: Response): AsyncGenerator<ServerEvent> {
  let event = '';
  let data = '';
  for await (const line of textLines(response.body!)) {
    if (line.startsWith('event: ')) event = line.slice('event: '.length);
    else if (line.startsWith('data: ')) data = line.slice('data: '.length);
    else if (line === '' && data) {
      yield { event, data };
      [event, data] = ['', ''];
    }
  }
}

async function streamedText(response: Response): Promise<string> {
  let text = '';
  for await (const { data } of serverEvents(response)) {
    if (data !== '[DONE]') text += (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '';
  }
  return text;
}

describe('GET /engines/requests against a runner process', () => {
  let runner: RunningRunner;
  let tinyId: string;
  const records = async (query = ''): Promise<ModelRecords[]> => (await (await fetch(`${runner.url}/engines/requests${query}`)).json()) as ModelRecords[];
  const follow = (query: string, signal: AbortSignal) => fetch(`${runner.url}/engines/requests${query}`, { headers: { accept: 'text/event-stream' }, signal });

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
    tinyId = ((await (await fetch(`${runner.url}/models/ai/tiny`)).json()) as { id: string }).id;
  });

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
  });

  it('records a streamed chat as one chat.completion beside the request as it was sent', async () => {
    expect(await records()).toEqual([]);
    const body = { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, stream: true };
    const chat = await postJson(runner, '/engines/v1/chat/completions', body, { headers: { 'user-agent': 'records-test/1', 'x-request-origin': 'records-test' } });
    const content = await streamedText(chat);
    const [group, ...others] = await records();
    expect(others).toEqual([]);
    expect(group).toMatchObject({ count: 1, model: tinyId, config: {} });
    const [record] = group!.records;
    expect(record).toEqual({
      id: expect.stringMatching(new RegExp(`^${tinyId}_\\d{19}$`)),
      model: 'ai/tiny',
      method: 'POST',
      url: '/engines/v1/chat/completions',
      request: JSON.stringify(body),
      response: expect.any(String),
      timestamp: expect.any(Number),
      status_code: 200,
      user_agent: 'records-test/1',
      origin: 'records-test',
    });
    expect(Math.abs(record!.timestamp - Date.now() / 1000)).toBeLessThan(60);
    const response = JSON.parse(record!.response!) as { object: string; choices: { message: { role: string; content: string }; finish_reason: string }[] };
    expect(response.object).toBe('chat.completion');
    expect(response.choices).toEqual([expect.objectContaining({ message: { role: 'assistant', content }, finish_reason: expect.stringMatching(/^(stop|length)$/) })]);
  });

  it('records base64 media cut to 100 characters, and a refused request with its error', async () => {
    const image = `data:image/png;base64,${'iVBORw0KGgo'.repeat(40)}`;
    const body = { model: 'ai/tiny', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: image } }] }] };
    expect(await statusOf(postJson(runner, '/v1/chat/completions', body))).toBe(400);
    const record = (await records('?model=ai/tiny'))[0]!.records.at(-1)!;
    expect(record).toMatchObject({ url: '/v1/chat/completions', status_code: 400 });
    expect(record.response).toBeUndefined();
    expect(JSON.parse(record.error!)).toMatchObject({ error: { type: 'invalid_request_error' } });
    const url = (JSON.parse(record.request) as typeof body).messages[0]!.content[0]!.image_url.url;
    expect(url).toBe(`data:image/png;base64,${image.slice(22, 122)}...[truncated ${image.length - 122} chars]`);
  });

  it('filters by model, and answers an unknown one as the model routes do', async () => {
    expect(await statusOf(postJson(runner, '/engines/v1/embeddings', { model: 'ai/tiny-embed', input: 'hello' }))).toBe(200);
    expect((await records()).map((group) => group.count).sort()).toEqual([1, 2]);
    const tiny = await records('?model=ai/tiny');
    expect(tiny.map((group) => [group.model, group.count])).toEqual([[tinyId, 2]]);
    const unknown = await fetch(`${runner.url}/engines/requests?model=ai/nope`);
    const asModelRoute = await fetch(`${runner.url}/models/ai/nope`);
    expect([unknown.status, unknown.headers.get('content-type'), await unknown.text()]).toEqual([asModelRoute.status, asModelRoute.headers.get('content-type'), await asModelRoute.text()]);
    expect(unknown.status).toBe(404);
  });

  it('streams as DMR: the stored requests, then connected, then each request as it finishes, for the model asked', async () => {
    const stop = new AbortController();
    const events = serverEvents(await follow('?model=ai/tiny&include_existing=true', stop.signal));
    const next = async () => (await events.next()).value as ServerEvent;
    for (const stored of (await records('?model=ai/tiny'))[0]!.records) {
      const event = await next();
      expect(event.event).toBe('existing_request');
      expect(JSON.parse(event.data)).toEqual([{ count: 1, model: tinyId, config: {}, records: [stored] }]);
    }
    expect(await next()).toEqual({ event: 'connected', data: '{"status": "connected"}' });
    // Another model's request is not for this follower; the chat after it is.
    expect(await statusOf(postJson(runner, '/engines/v1/embeddings', { model: 'ai/tiny-embed', input: 'again' }))).toBe(200);
    const chat = await postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content: 'once more' }], max_tokens: 2 });
    const answer = (await chat.json()) as { choices: { message: { content: string } }[] };
    const event = await next();
    expect(event.event).toBe('new_request');
    const [group] = JSON.parse(event.data) as ModelRecords[];
    expect(group).toMatchObject({ count: 1, model: 'ai/tiny', config: {}, records: [{ status_code: 200, url: '/engines/v1/chat/completions' }] });
    expect((JSON.parse(group!.records[0]!.response!) as typeof answer).choices[0]!.message.content).toBe(answer.choices[0]!.message.content);
    stop.abort();
    await openStreams(runner, 'requests', 0);
  });

  it('lets a client that disconnects go: its subscription ends', async () => {
    const clients = [new AbortController(), new AbortController()];
    for (const client of clients) {
      const events = serverEvents(await follow('', client.signal));
      expect((await events.next()).value).toEqual({ event: 'connected', data: '{"status": "connected"}' });
    }
    await openStreams(runner, 'requests', 2);
    for (const client of clients) client.abort();
    await openStreams(runner, 'requests', 0);
  });

  it('files records with the config their model’s worker runs with, and drops them when the worker ends', async () => {
    expect((await records()).map((group) => group.model)).toContain(tinyId);
    // A new config replaces the idle worker: the old one's records go with it.
    expect(await statusOf(postJson(runner, '/engines/_configure', { model: 'ai/tiny', 'context-size': 256 }))).toBe(202);
    expect((await records('?model=ai/tiny')).flatMap((group) => group.records)).toEqual([]);
    expect(await statusOf(postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 }))).toBe(200);
    expect(await records('?model=ai/tiny')).toEqual([expect.objectContaining({ count: 1, model: tinyId, config: { 'context-size': 256 } })]);
    expect(await statusOf(postJson(runner, '/engines/unload', { all: true }))).toBe(200);
    expect(await records()).toEqual([]);
  });
});

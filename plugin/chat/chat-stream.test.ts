import { describe, expect, it } from 'vitest';
import { isRunnerError } from '../../src/shared/errors.js';
import { chatDeltas, type ChatDelta } from './chat-stream.js';

/** A runner that answers every request with `response`, keeping what it was sent. */
function answering(response: Response) {
  const sent: { path: string; body: unknown }[] = [];
  return {
    sent,
    client: {
      send: async (path: string, init: RequestInit = {}) => {
        sent.push({ path, body: JSON.parse(String(init.body)) });
        return response;
      },
    },
  };
}

const sse = (...events: unknown[]) =>
  new Response(events.map((event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`).join(''), { headers: { 'content-type': 'text/event-stream' } });

async function deltas(response: Response, progress: string[] = []): Promise<ChatDelta[]> {
  const all: ChatDelta[] = [];
  const { client } = answering(response);
  for await (const delta of chatDeltas(client, 'ai/tiny', [{ role: 'user', content: 'hi' }], { progress: (line) => progress.push(line) })) all.push(delta);
  return all;
}

describe('a streamed chat completion, read as DMR reads it', () => {
  it('asks /engines/v1 for a stream of the conversation', async () => {
    const { client, sent } = answering(sse('[DONE]'));
    for await (const delta of chatDeltas(client, 'ai/tiny', [{ role: 'user', content: 'hi' }], { progress: () => undefined })) expect(delta).toBeUndefined();
    expect(sent).toEqual([{ path: '/engines/v1/chat/completions', body: { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], stream: true } }]);
  });

  it('yields reasoning, content and usage, skipping empty deltas', async () => {
    const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    const stream = sse(
      { choices: [{ delta: { role: 'assistant', content: '' } }] },
      { choices: [{ delta: { reasoning_content: 'think' } }] },
      { choices: [{ delta: { content: 'Hi' } }] },
      { choices: [], usage },
      '[DONE]',
    );
    expect(await deltas(stream)).toEqual([{ reasoning: 'think' }, { content: 'Hi' }, { usage }]);
  });

  it("fails with the message of the runner's OpenAI error, before or during the stream", async () => {
    const refused = new Response(JSON.stringify({ error: { message: 'model not found', type: 'not_found_error' } }), { status: 404 });
    await expect(deltas(refused)).rejects.toSatisfy((error) => isRunnerError(error, 'not_found') && error.message === 'model not found');
    const broken = sse({ choices: [{ delta: { content: 'par' } }] }, { error: { message: 'the engine\ncrashed', type: 'server_error' } });
    await expect(deltas(broken)).rejects.toThrow(/^the engine crashed$/);
  });

  it('passes plain-text progress before the stream on', async () => {
    const progress: string[] = [];
    const response = new Response(`Installing vllm backend...\ndata: ${JSON.stringify({ choices: [{ delta: { content: 'ok' } }] })}\n\ndata: [DONE]\n\n`);
    expect(await deltas(response, progress)).toEqual([{ content: 'ok' }]);
    expect(progress).toEqual(['Installing vllm backend...']);
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';

describe('OpenAI API against the real runner', () => {
  let runner: RunningRunner;
  let client: OpenAI;

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
    client = new OpenAI({ baseURL: `${runner.url}/engines/v1`, apiKey: 'unused' });
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('answers a chat completion in OpenAI shape', async () => {
    const completion = await client.chat.completions.create({
      model: 'ai/tiny',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: [{ type: 'text', text: 'Say hello 👋' }] },
      ],
      max_tokens: 8,
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('ai/tiny');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(typeof completion.choices[0]?.message.content).toBe('string');
    expect(['stop', 'length']).toContain(completion.choices[0]?.finish_reason);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(8);
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
  });

  it('gives the same text for the same seed, and streams what it answers', async () => {
    const request = { model: 'tiny', messages: [{ role: 'user' as const, content: 'Count.' }], max_tokens: 12, seed: 42, temperature: 0.9, ignore_eos: true };
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let streamed = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(streamed).toBe(first.choices[0]?.message.content);
    expect(usage?.completion_tokens).toBe(12);
  });

  it('honours stop strings and max_completion_tokens', async () => {
    const base = { model: 'ai/tiny', messages: [{ role: 'user' as const, content: 'Go' }], seed: 7, ignore_eos: true };
    const long = await client.chat.completions.create({ ...base, max_completion_tokens: 24 });
    const text = long.choices[0]?.message.content ?? '';
    expect(long.choices[0]?.finish_reason).toBe('length');
    const stop = text.slice(6, 9);
    const stopped = await client.chat.completions.create({ ...base, max_completion_tokens: 24, stop: [stop] });
    expect(stopped.choices[0]?.finish_reason).toBe('stop');
    expect(stopped.choices[0]?.message.content).toBe(text.slice(0, text.indexOf(stop)));
  });

  it('produces JSON that validates against a json_schema', async () => {
    const schema = {
      type: 'object',
      properties: { ok: { type: 'boolean' }, colour: { enum: ['red', 'green', 'blue'] } },
      required: ['ok', 'colour'],
      additionalProperties: false,
    };
    const completion = await client.chat.completions.create({
      model: 'ai/tiny',
      messages: [{ role: 'user', content: 'Answer in JSON' }],
      max_tokens: 200,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? '');
    expect(Object.keys(parsed).sort()).toEqual(['colour', 'ok']);
    expect(typeof parsed.ok).toBe('boolean');
    expect(['red', 'green', 'blue']).toContain(parsed.colour);
  });

  it('produces a JSON object in json_object mode', async () => {
    const completion = await client.chat.completions.create({
      model: 'ai/tiny',
      messages: [{ role: 'user', content: 'JSON please' }],
      max_tokens: 300,
      temperature: 0,
      response_format: { type: 'json_object' },
    });
    const content = completion.choices[0]?.message.content ?? '';
    if (completion.choices[0]?.finish_reason === 'stop') expect(typeof JSON.parse(content)).toBe('object');
    else expect(content.trimStart().startsWith('{')).toBe(true);
  });

  it('completes a prompt and a list of prompts, streaming too', async () => {
    const one = await client.completions.create({ model: 'ai/tiny', prompt: 'Once upon', max_tokens: 5, ignore_eos: true } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(one.object).toBe('text_completion');
    expect(one.choices).toHaveLength(1);
    expect(one.usage?.completion_tokens).toBe(5);
    const many = await client.completions.create({ model: 'ai/tiny', prompt: ['a', 'b'], max_tokens: 3 });
    expect(many.choices.map((choice) => choice.index)).toEqual([0, 1]);
    const stream = await client.completions.create({ model: 'ai/tiny', prompt: 'x', max_tokens: 4, stream: true });
    const reasons: (string | null)[] = [];
    for await (const chunk of stream) reasons.push(chunk.choices[0]?.finish_reason ?? null);
    expect(reasons.at(-1)).toMatch(/stop|length/);
  });

  it('embeds strings as unit vectors, as floats and as base64', async () => {
    const floats = await client.embeddings.create({ model: 'ai/tiny-embed', input: ['hello world', 'another text'], encoding_format: 'float' });
    expect(floats.data).toHaveLength(2);
    const vector = floats.data[0]!.embedding;
    expect(vector).toHaveLength(64);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    const raw = await postJson(runner, '/v1/embeddings', { model: 'ai/tiny-embed', input: 'hello world', encoding_format: 'base64' });
    const body = (await raw.json()) as { data: { embedding: string }[] };
    const bytes = Buffer.from(body.data[0]!.embedding, 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(decoded).toHaveLength(64);
    expect(decoded[0]).toBeCloseTo(vector[0]!, 5);
  });

  it('streams the exact OpenAI chunk sequence over raw SSE', async () => {
    const response = await postJson(runner, '/engines/llama.cpp/v1/chat/completions', {
      model: 'ai/tiny',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 3,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0]).toEqual({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null });
    const content = chunks.slice(1, -2);
    expect(content.length).toBeGreaterThan(0);
    expect(content.every((chunk) => chunk.choices[0].finish_reason === null && typeof chunk.choices[0].delta.content === 'string')).toBe(true);
    expect(chunks.at(-2).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'length' });
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage.completion_tokens).toBe(3);
  });

  it("loads without inferring for X-Preload-Only, reading only the model, as DMR's run --detach sends it", async () => {
    const preload = { 'x-preload-only': 'true' };
    for (const [path, body] of [
      ['/v1/chat/completions', { model: 'ai/tiny', messages: [] }],
      ['/engines/v1/completions', { model: 'ai/tiny' }],
      ['/engines/llama.cpp/v1/embeddings', { model: 'ai/tiny-embed' }],
    ] as const) {
      const response = await postJson(runner, path, body, { headers: preload });
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe('');
    }
    const unknown = await postJson(runner, '/v1/chat/completions', { model: 'ai/absent', messages: [] }, { headers: preload });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    expect((await postJson(runner, '/v1/chat/completions', { messages: [] }, { headers: preload })).status).toBe(400);
  });

  it.each([
    ['an unknown model', { model: 'ai/absent', messages: [{ role: 'user', content: 'x' }] }, 404, 'model_not_found'],
    ['a negative max_tokens', { model: 'ai/tiny', messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 400, null],
    ['a temperature out of range', { model: 'ai/tiny', messages: [{ role: 'user', content: 'x' }], temperature: 3 }, 400, null],
    ['messages of the wrong type', { model: 'ai/tiny', messages: 'hello' }, 400, null],
    ['no model', { messages: [{ role: 'user', content: 'x' }] }, 400, null],
    ['a prompt longer than the context', { model: 'ai/tiny', messages: [{ role: 'user', content: 'word '.repeat(2000) }] }, 400, 'context_length_exceeded'],
  ])('refuses %s with an OpenAI error', async (_, body, status, code) => {
    const response = await postJson(runner, '/engines/v1/chat/completions', body);
    expect(response.status).toBe(status);
    const { error } = (await response.json()) as { error: { message: string; type: string; code: string | null; param: string | null } };
    expect(error.message.length).toBeGreaterThan(5);
    expect(typeof error.type).toBe('string');
    expect(error.code).toBe(code);
  });

  it('refuses malformed JSON with an OpenAI error', async () => {
    const response = await fetch(`${runner.url}/v1/completions`, { method: 'POST', body: '{"model":' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('malformed JSON');
  });
});

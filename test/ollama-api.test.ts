import { Ollama, type ChatResponse, type ProgressResponse } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedModel } from './helpers/models.js';
import { enginePs, packageToolModel, postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { npmRun } from './helpers/run-command.js';
import type { RunningRunner } from './helpers/runner-process.js';

/** Bounded values only: whatever a random-weight model writes under them is short. */
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Paris', 'Oslo'] } }, required: ['city'] },
  },
};

const norm = (vector: number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

type FinalStats = Pick<ChatResponse, 'done' | 'done_reason' | 'prompt_eval_count' | 'eval_count' | 'total_duration' | 'load_duration' | 'prompt_eval_duration' | 'eval_duration'>;

/** What an Ollama client reads from the last object of an answer. */
function expectFinalStats(stats: FinalStats, maxTokens: number): void {
  expect(stats.done).toBe(true);
  expect(['stop', 'length']).toContain(stats.done_reason);
  expect(stats.prompt_eval_count).toBeGreaterThan(0);
  expect(stats.eval_count).toBeLessThanOrEqual(maxTokens);
  for (const field of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'] as const) {
    expect(Number.isInteger(stats[field]), field).toBe(true);
    expect(stats[field], field).toBeGreaterThanOrEqual(0);
  }
  // Load, prompt evaluation and evaluation are consecutive parts of the whole.
  expect(stats.total_duration).toBeGreaterThanOrEqual(stats.load_duration + stats.prompt_eval_duration + stats.eval_duration - 3);
}

async function errorOf(promise: Promise<unknown>): Promise<{ error: string; status_code: number }> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: { error: string; status_code: number }) => error,
  );
}

async function ollamaError(response: Response): Promise<{ status: number; type: string | null; body: unknown }> {
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

describe("Ollama's API through the official ollama client", () => {
  let runner: RunningRunner;
  let registry: RunningRegistry;
  let client: Ollama;
  let published: string;

  beforeAll(async () => {
    [runner, registry] = await Promise.all([runnerWithTinyModels(), startRegistry()]);
    await packageToolModel(runner);
    published = `${registry.host}/ai/tiny-pulled:latest`;
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0', 21), '--push', published], { MODEL_RUNNER_HOST: 'http://127.0.0.1:1' });
    client = new Ollama({ host: runner.url });
  }, 180_000);

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
    await registry?.stop();
  });

  it("reports DMR's version and lists every tag with Ollama's details", async () => {
    expect(await client.version()).toEqual({ version: '0.1.0' });
    const { models } = await client.list();
    const tiny = models.find((model) => model.name.includes('ai/tiny:'));
    expect(tiny).toMatchObject({ model: tiny?.name, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), details: { format: 'gguf', family: 'llama', families: ['llama'] } });
    expect(tiny?.size).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(String(tiny?.modified_at)))).toBe(false);
    expect(models.map((model) => model.name).filter((name) => name.includes('ai/tiny'))).toHaveLength(3);
  });

  it('shows details, the served context length and what a model can do', async () => {
    const chat = await client.show({ model: 'ai/tiny' });
    expect(chat.details).toMatchObject({ format: 'gguf', family: 'llama' });
    expect(chat.capabilities).toEqual(['completion', 'tools']);
    expect((chat.model_info as unknown as Record<string, unknown>)['llama.context_length']).toBe(512);
    expect((chat.model_info as unknown as Record<string, unknown>)['general.architecture']).toBe('llama');
    expect((await client.show({ model: 'ai/tiny-embed' })).capabilities).toEqual(['embedding']);
  });

  it('chats in one object with stream false: the message, done_reason and the counters', async () => {
    const answer = await client.chat({ model: 'ai/tiny', messages: [{ role: 'user', content: 'Hello' }], options: { num_predict: 6, seed: 1 } });
    expect(answer.model).toBe('ai/tiny');
    expect(answer.message.role).toBe('assistant');
    expect(typeof answer.message.content).toBe('string');
    expectFinalStats(answer, 6);
  });

  it('streams a chat as NDJSON objects that end with one done object carrying the stats', async () => {
    const parts: ChatResponse[] = [];
    for await (const part of await client.chat({ model: 'ai/tiny', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], stream: true, options: { num_predict: 8 } })) {
      parts.push(part);
    }
    const final = parts.at(-1)!;
    expect(parts.slice(0, -1).every((part) => !part.done && part.message.role === 'assistant')).toBe(true);
    expectFinalStats(final, 8);
    expect(final.message.content).toBe('');
    expect(parts.length - 1).toBeLessThanOrEqual(final.eval_count);
  });

  it('streams by default when a request does not say, one JSON object a line', async () => {
    const response = await postJson(runner, '/api/generate', { model: 'ai/tiny', prompt: 'Hi', options: { num_predict: 4 } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { done: boolean; done_reason?: string });
    expect(lines.map((line) => line.done)).toEqual([...lines.slice(1).map(() => false), true]);
    expect(lines.at(-1)?.done_reason).toMatch(/^(stop|length)$/);
  });

  it('generates from a prompt, streamed and not, raw or through the template', async () => {
    const whole = await client.generate({ model: 'ai/tiny', prompt: 'Once upon a time', options: { num_predict: 5 } });
    expect(typeof whole.response).toBe('string');
    expectFinalStats(whole, 5);
    const parts = [];
    for await (const part of await client.generate({ model: 'ai/tiny', prompt: 'Once upon a time', raw: true, stream: true, options: { num_predict: 5 } })) parts.push(part);
    expect(parts.slice(0, -1).every((part) => typeof part.response === 'string' && !part.done)).toBe(true);
    expectFinalStats(parts.at(-1)!, 5);
  });

  it('loads a model for an empty prompt and unloads it with keep_alive 0', async () => {
    const loaded = await client.generate({ model: 'ai/tiny-embed', prompt: '' });
    expect(loaded).toMatchObject({ model: 'ai/tiny-embed', done: true, done_reason: 'load', response: '' });
    expect((await client.ps()).models.some((model) => model.name.includes('ai/tiny-embed'))).toBe(true);
    const unloaded = await client.generate({ model: 'ai/tiny-embed', prompt: '', keep_alive: 0 });
    expect(unloaded).toMatchObject({ done: true, done_reason: 'unload' });
    expect((await enginePs(runner)).filter((row) => row.model_name === 'ai/tiny-embed' && row.mode === 'completion')).toEqual([]);
  });

  it('applies num_ctx and keep_alive through the runner config, as _configure does', async () => {
    await client.chat({ model: 'ai/tiny-tools', messages: [{ role: 'user', content: 'Hi' }], keep_alive: '7m', options: { num_ctx: 1024, num_predict: 2 } });
    const configs = (await (await fetch(`${runner.url}/engines/_configure?model=ai/tiny-tools`)).json()) as { Mode: string; Config: Record<string, unknown> }[];
    expect(configs).toEqual([expect.objectContaining({ Mode: 'completion', Config: { 'context-size': 1024, keep_alive: '7m0s' } })]);
    const running = (await client.ps()).models.find((model) => model.name.includes('ai/tiny-tools'));
    expect(running?.digest).toMatch(/^sha256:/);
    expect(Date.parse(String(running?.expires_at))).toBeGreaterThan(Date.now());
  });

  it('embeds with /api/embed (unit vectors, dimensions, truncate) and answers the legacy /api/embeddings', async () => {
    const embedded = await client.embed({ model: 'ai/tiny-embed', input: ['first text', 'second text'] });
    expect(embedded.model).toBe('ai/tiny-embed');
    expect(embedded.embeddings).toHaveLength(2);
    for (const vector of embedded.embeddings) expect(norm(vector)).toBeCloseTo(1, 5);
    expect(embedded.prompt_eval_count).toBeGreaterThan(0);
    expect(Number.isInteger(embedded.total_duration)).toBe(true);
    const cut = await client.embed({ model: 'ai/tiny-embed', input: 'first text', dimensions: 8 });
    expect(cut.embeddings[0]).toHaveLength(8);
    expect(norm(cut.embeddings[0]!)).toBeCloseTo(1, 5);

    // Ollama's truncate (true unless asked otherwise) cuts an input longer than the 512-token context to fit.
    const long = 'word '.repeat(2000);
    const truncated = await client.embed({ model: 'ai/tiny-embed', input: long });
    expect(truncated.embeddings).toHaveLength(1);
    expect(norm(truncated.embeddings[0]!)).toBeCloseTo(1, 5);
    expect(truncated.prompt_eval_count).toBeLessThanOrEqual(512);
    expect(truncated.prompt_eval_count).toBeGreaterThan(256);
    const refused = await errorOf(client.embed({ model: 'ai/tiny-embed', input: long, truncate: false }));
    expect(refused).toMatchObject({ status_code: 400, error: expect.stringMatching(/more than this model's context of 512 tokens/) });

    const legacy = await postJson(runner, '/api/embeddings', { model: 'ai/tiny-embed', prompt: 'first text' });
    expect(legacy.status).toBe(200);
    const { embedding } = (await legacy.json()) as { embedding: number[] };
    expect(embedding).toHaveLength(embedded.embeddings[0]!.length);
    embedding.forEach((value, index) => expect(value).toBeCloseTo(embedded.embeddings[0]![index]!, 5));
  });

  it('puts tools and tool results in the prompt on the Hermes-template model, and answers in shape', async () => {
    const question = { role: 'user', content: 'Weather in Oslo?' };
    const options = { num_predict: 40, seed: 3 };
    const answer = await client.chat({ model: 'ai/tiny-tools', messages: [question], tools: [weatherTool], options });
    const withoutTools = await client.chat({ model: 'ai/tiny-tools', messages: [question], options });
    expectFinalStats(answer, 40);
    // The template writes the tool's schema into the prompt: tools that reached the model cost tokens.
    expect(answer.prompt_eval_count).toBeGreaterThan(withoutTools.prompt_eval_count);
    // Random weights may or may not call: whatever they call has Ollama's shape.
    for (const call of answer.message.tool_calls ?? []) {
      expect(call.function.name).toBe('get_weather');
      expect(typeof call.function.arguments).toBe('object');
    }

    const called = { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }] };
    const result = { role: 'tool', content: 'sunny, 21 C, light wind from the west', tool_name: 'get_weather' };
    const followUp = await client.chat({ model: 'ai/tiny-tools', messages: [question, called, result], tools: [weatherTool], options: { num_predict: 4 } });
    const unanswered = await client.chat({ model: 'ai/tiny-tools', messages: [question, called], tools: [weatherTool], options: { num_predict: 4 } });
    expectFinalStats(followUp, 4);
    // The id-less call is answered by the tool message, whose result the model reads.
    expect(followUp.prompt_eval_count).toBeGreaterThan(unanswered.prompt_eval_count);
    const orphan = await errorOf(client.chat({ model: 'ai/tiny-tools', messages: [{ role: 'tool', content: 'sunny' }] }));
    expect(orphan.status_code).toBe(400);
    expect(orphan.error).toMatch(/must follow an assistant message with tool_calls/);
  });

  it('answers think false and refuses think true or a level, having no reasoning channel to answer it with', async () => {
    const plain = await client.chat({ model: 'ai/tiny', messages: [{ role: 'user', content: 'Hi' }], think: false, options: { num_predict: 2 } });
    expectFinalStats(plain, 2);
    expect(plain.message.thinking).toBeUndefined();
    const refusal = { status_code: 400, error: "think is not supported: this runner's engine does not separate a model's reasoning from its answer" };
    expect(await errorOf(client.chat({ model: 'ai/tiny', messages: [{ role: 'user', content: 'Hi' }], think: true }))).toMatchObject(refusal);
    expect(await errorOf(client.generate({ model: 'ai/tiny', prompt: 'Hi', think: 'high' }))).toMatchObject(refusal);
  });

  it('pulls from a registry with progress the client reads, then pulls again in one object', async () => {
    const statuses: ProgressResponse[] = [];
    for await (const status of await client.pull({ model: published, stream: true })) statuses.push(status);
    expect(statuses.at(-1)).toEqual({ status: 'success' });
    const layers = statuses.filter((status) => status.digest);
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) {
      expect(layer.status).toBe(`pulling ${layer.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`);
      expect(layer.completed).toBeLessThanOrEqual(layer.total);
    }
    const biggest = layers.reduce((a, b) => (b.total > a.total ? b : a));
    expect(layers.filter((layer) => layer.digest === biggest.digest).at(-1)?.completed).toBe(biggest.total);
    expect((await client.list()).models.map((model) => model.name)).toContain(published);
    expect(await client.pull({ model: published })).toEqual({ status: 'success' });
  });

  it('deletes a model: gone from the list, and named as not found after', async () => {
    await client.show({ model: published });
    expect(await client.delete({ model: published })).toEqual({ status: 'success' });
    expect((await client.list()).models.map((model) => model.name)).not.toContain(published);
    const gone = await errorOf(client.show({ model: published }));
    expect(gone).toMatchObject({ status_code: 404, error: `model "${published}" not found, try pulling it first` });
    expect((await errorOf(client.delete({ model: published }))).status_code).toBe(404);
  });

  it("answers bad input in Ollama's error shape and status, and keeps serving", async () => {
    const malformed = await fetch(`${runner.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "ai/tiny", ' });
    expect(await ollamaError(malformed)).toEqual({ status: 400, type: 'application/json', body: { error: 'invalid request: malformed JSON' } });
    expect(await ollamaError(await postJson(runner, '/api/generate', { prompt: 'Hi' }))).toEqual({ status: 400, type: 'application/json', body: { error: 'model is required' } });
    expect(await ollamaError(await postJson(runner, '/api/chat', { model: 'ai/tiny', messages: [{ role: 'narrator', content: 'x' }] }))).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^invalid request: messages\.0\.role: /) },
    });

    const unknown = await errorOf(client.chat({ model: 'ai/absent', messages: [{ role: 'user', content: 'Hi' }] }));
    expect(unknown).toMatchObject({ status_code: 404, error: 'model "ai/absent" not found, try pulling it first' });
    const image = await errorOf(client.chat({ model: 'ai/tiny', messages: [{ role: 'user', content: 'What is this?', images: ['iVBORw0KGgo='] }] }));
    expect(image).toMatchObject({ status_code: 400, error: "images are not supported: this runner's engine is text-only" });
    const keepAlive = await errorOf(client.generate({ model: 'ai/tiny', prompt: 'Hi', keep_alive: 'soon' }));
    expect(keepAlive).toMatchObject({ status_code: 400, error: 'invalid keep_alive duration "soon"' });
    const absentPull = await errorOf(client.pull({ model: `${registry.host}/ai/absent:latest` }));
    expect(absentPull.status_code).toBe(404);

    const after = await client.chat({ model: 'ai/tiny', messages: [{ role: 'user', content: 'Still there?' }], options: { num_predict: 3 } });
    expectFinalStats(after, 3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunnerStatus } from '../src/scheduler/scheduler-types.js';
import { enginePs, postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { errorLogLines, type RunningRunner } from './helpers/runner-process.js';

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'ai/tiny',
  messages: [{ role: 'user', content: 'tell me a story' }],
  max_tokens: 64,
  ...extra,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client with a timeout, as browsers, proxies and HTTP libraries have: it hangs up after `ms`. */
async function impatient(runner: RunningRunner, path: string, body: unknown, ms: number): Promise<void> {
  const client = new AbortController();
  const timer = setTimeout(() => client.abort(), ms);
  try {
    const response = await postJson(runner, path, body, { signal: client.signal });
    await response.text();
  } catch {
    // the client gave up, as intended
  } finally {
    clearTimeout(timer);
  }
}

/** Slots are freed within a moment of the last client leaving; waits that moment, no longer. */
async function settled(runner: RunningRunner): Promise<RunnerStatus[]> {
  for (let waited = 0; waited < 2_000; waited += 50) {
    const rows = await enginePs(runner);
    if (!rows.some((row) => row.in_use)) return rows;
    await sleep(50);
  }
  return enginePs(runner);
}

describe('clients that leave', () => {
  let runner: RunningRunner;

  beforeAll(async () => {
    runner = await runnerWithTinyModels({ env: { MODEL_RUNNER_PARALLEL: '4', MODEL_RUNNER_THREADS: '1' } });
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('never wedge a model: after rounds of clients giving up at random moments, the next request is served', async () => {
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => impatient(runner, '/v1/chat/completions', chat({ stream: i % 4 !== 0 }), 100 + Math.random() * 800)),
      );
    }
    expect(await settled(runner)).toEqual([expect.not.objectContaining({ in_use: true })]);
    const next = await postJson(runner, '/v1/chat/completions', chat(), { signal: AbortSignal.timeout(15_000) });
    expect(next.status).toBe(200);
    expect(await (await postJson(runner, '/engines/unload', { all: true })).json()).toEqual({ unloaded_runners: 1 });
    expect(errorLogLines(runner)).toEqual([]);
  });

  it('never hold an embedding slot after leaving', async () => {
    const inputs = Array.from({ length: 64 }, (_, i) => `sentence number ${i} about nothing in particular`);
    await Promise.all(Array.from({ length: 12 }, () => impatient(runner, '/v1/embeddings', { model: 'ai/tiny-embed', input: inputs }, Math.random() * 300)));
    expect((await settled(runner)).filter((row) => row.in_use)).toEqual([]);
    expect((await postJson(runner, '/v1/embeddings', { model: 'ai/tiny-embed', input: 'still here' })).status).toBe(200);
    expect(errorLogLines(runner)).toEqual([]);
  });

  it('free the slot of a request the worker refuses after it was leased', async () => {
    const tooLong = chat({ messages: [{ role: 'user', content: 'many words '.repeat(2_000) }] });
    for (let i = 0; i < 6; i++) {
      const refused = await postJson(runner, '/v1/chat/completions', { ...tooLong, stream: i % 2 === 0 });
      expect(refused.status === 400 || (await refused.text()).includes('context_length_exceeded')).toBe(true);
    }
    expect((await settled(runner)).filter((row) => row.in_use)).toEqual([]);
    expect((await postJson(runner, '/v1/chat/completions', chat(), { signal: AbortSignal.timeout(15_000) })).status).toBe(200);
  });
});

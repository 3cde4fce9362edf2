import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginePs, postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForPs(runner: RunningRunner, predicate: (rows: { model_name: string; loading?: boolean }[]) => boolean) {
  for (let waited = 0; waited < 20_000; waited += 100) {
    const rows = await enginePs(runner);
    if (predicate(rows)) return rows;
    await sleep(100);
  }
  throw new Error('engines/ps never reached the expected state');
}

describe('engine API', () => {
  let runner: RunningRunner;

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('reports status and disk usage', async () => {
    expect(await (await fetch(`${runner.url}/engines/status`)).json()).toEqual({ 'llama.cpp': expect.stringMatching(/^Running: .*node-llama-cpp 3\.21\.1/) });
    const df = (await (await fetch(`${runner.url}/engines/df`)).json()) as Record<string, number>;
    expect(df.models_disk_usage).toBeGreaterThan(200_000);
    expect(df.default_backend_disk_usage).toBeGreaterThan(1_000_000);
  });

  it('configures context size and keep-alive with 202, preloads, and lists the config', async () => {
    const response = await postJson(runner, '/engines/_configure', { model: 'ai/tiny', 'context-size': 256, keep_alive: '10m' });
    expect(response.status).toBe(202);
    const rows = await waitForPs(runner, (ps) => ps.some((row) => row.model_name === 'ai/tiny' && !row.loading));
    expect(rows).toEqual([expect.objectContaining({ backend_name: 'llama.cpp', model_name: 'ai/tiny', mode: 'completion', keep_alive: '10m0s' })]);
    const configs = await (await fetch(`${runner.url}/engines/_configure?model=ai/tiny`)).json();
    expect(configs).toEqual([
      { Backend: 'llama.cpp', Model: 'ai/tiny', ModelID: expect.stringMatching(/^sha256:/), Mode: 'completion', Config: { 'context-size': 256, keep_alive: '10m0s' } },
    ]);
    const tooLong = await postJson(runner, '/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content: 'word '.repeat(300) }] });
    expect(tooLong.status).toBe(400);
  });

  it('refuses to reconfigure a model that is serving with 409', async () => {
    const stream = await postJson(runner, '/v1/chat/completions', {
      model: 'ai/tiny',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 100_000,
      ignore_eos: true,
      stream: true,
    });
    const reader = stream.body!.getReader();
    await reader.read();
    const conflict = await postJson(runner, '/engines/_configure', { model: 'ai/tiny', 'context-size': 300 });
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toBe('runner already active\n');
    await reader.cancel();
  });

  it('unloads idle engines on request', async () => {
    await postJson(runner, '/v1/embeddings', { model: 'ai/tiny-embed', input: 'x' });
    await waitForPs(runner, (ps) => ps.every((row) => !row.loading) && ps.length === 2);
    const some = await postJson(runner, '/engines/unload', { models: ['ai/tiny-embed'] });
    expect(await some.json()).toEqual({ unloaded_runners: 1 });
    const all = await postJson(runner, '/engines/unload', { all: true });
    expect(await all.json()).toEqual({ unloaded_runners: 1 });
    expect(await enginePs(runner)).toEqual([]);
    expect(await (await fetch(`${runner.url}/engines/_configure`)).json()).toEqual([]);
    const malformed = await fetch(`${runner.url}/engines/unload`, { method: 'POST', body: '{' });
    expect(malformed.status).toBe(400);
  });
});

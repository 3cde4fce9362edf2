import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { errorLogLines, startRunner, type RunningRunner } from './helpers/runner-process.js';
import { isAlive, workerPids } from './helpers/worker-processes.js';

// Long enough to be still streaming while the refused requests are made: the tiny model writes 200 tokens in a fraction of a second.
const longStream = { model: 'ai/tiny', messages: [{ role: 'user', content: 'go on' }], max_tokens: 1500, ignore_eos: true, stream: true };

/** Reads an event stream to its end; the first event was already read by the caller. */
async function rest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += Buffer.from(chunk.value).toString();
  return text;
}

describe('graceful shutdown under load', () => {
  let registry: RunningRegistry;
  let runner: RunningRunner;
  const pulled = () => `${registry.host}/models/tiny:v1`;

  beforeAll(async () => {
    registry = await startRegistry();
    const source = await runnerWithTinyModels();
    try {
      const tagged = await fetch(`${source.url}/models/ai/tiny/tag?repo=${registry.host}/models/tiny&tag=v1`, { method: 'POST' });
      expect(tagged.status).toBe(201);
      const pushed = await postJson(source, `/models/${pulled()}/push`, {});
      expect((await progressLines(pushed)).at(-1)).toMatchObject({ type: 'success' });
    } finally {
      await source[Symbol.asyncDispose]();
    }
    runner = await runnerWithTinyModels({ env: { MODEL_RUNNER_PARALLEL: '2', MODEL_RUNNER_THREADS: '1' } });
    expect((await postJson(runner, '/engines/_configure', { model: 'ai/tiny', 'context-size': 2048 })).status).toBe(202);
  }, 120_000);

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
    await registry?.stop();
  });

  it('finishes in-flight streams and pulls, refuses new work with 503, and leaves no worker and no partial blob', async () => {
    const streams = await Promise.all([0, 1].map(() => postJson(runner, '/v1/chat/completions', longStream)));
    const readers = streams.map((response) => response.body!.getReader());
    await Promise.all(readers.map((reader) => reader.read()));
    const workers = await workerPids(runner.process.pid!);
    expect(workers.length).toBeGreaterThan(0);
    const pull = await postJson(runner, '/models/create', { from: pulled() });
    expect(pull.status).toBe(200);

    const exited = runner.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await postJson(runner, '/v1/chat/completions', { ...longStream, stream: false });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/shutting down/);
    const refusedPull = await postJson(runner, '/models/create', { from: pulled() });
    expect(refusedPull.status).toBe(503);

    for (const text of await Promise.all(readers.map(rest))) {
      expect(text).not.toContain('"error"');
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    }
    expect((await progressLines(pull)).at(-1)).toMatchObject({ type: 'success' });
    expect(await exited).toBe(0);
    expect(workers.filter(isAlive)).toEqual([]);
    const blobs = await readdir(join(runner.modelsPath, 'blobs', 'sha256'));
    expect(blobs.filter((name) => name.endsWith('.incomplete'))).toEqual([]);
    expect(errorLogLines(runner)).toEqual([]);

    const restarted = await startRunner({ modelsPath: runner.modelsPath });
    try {
      expect((await fetch(`${restarted.url}/models/${pulled()}`)).status).toBe(200);
    } finally {
      await restarted.stop();
    }
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedModel } from './helpers/models.js';
import { npmRun } from './helpers/run-command.js';
import { enginePs, postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';
import { isAlive, workerPids } from './helpers/worker-processes.js';

const endless = { model: 'ai/tiny', messages: [{ role: 'user', content: 'go on' }], max_tokens: 100_000, ignore_eos: true, stream: true };
const short = { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };

async function firstChunk(response: Response): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const reader = response.body!.getReader();
  await reader.read();
  return reader;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The runner's new worker once it is up and serving (its model loaded, as /engines/ps shows). */
async function startedWorker(runner: RunningRunner, previous: number): Promise<number> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    const [pid] = (await workerPids(runner.process.pid!)).filter((candidate) => candidate !== previous && isAlive(candidate));
    const ps = await enginePs(runner);
    if (pid !== undefined && ps.length > 0 && !ps.some((row) => row.loading)) return pid;
    await sleep(100);
  }
  throw new Error('no worker started');
}

describe('engine faults', () => {
  let runner: RunningRunner;

  beforeAll(async () => {
    runner = await runnerWithTinyModels({ env: { MODEL_RUNNER_PARALLEL: '1', MODEL_RUNNER_MAX_QUEUE: '0', MODEL_RUNNER_THREADS: '1' } });
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('refuses a request beyond the slots and the queue with 503 at once', async () => {
    const running = await postJson(runner, '/v1/chat/completions', endless);
    const reader = await firstChunk(running);
    const refused = await postJson(runner, '/v1/chat/completions', short);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('busy');
    await reader.cancel();
  });

  it('frees the slot of a client that disconnects mid-stream within 100 ms', async () => {
    const abort = new AbortController();
    const running = await postJson(runner, '/v1/chat/completions', endless, { signal: abort.signal });
    await firstChunk(running);
    abort.abort();
    await sleep(100);
    const next = await postJson(runner, '/v1/chat/completions', short);
    expect(next.status).toBe(200);
  });

  it('fails only the in-flight request of a worker killed with -9 and starts a fresh one', async () => {
    const running = await postJson(runner, '/v1/chat/completions', endless);
    const reader = await firstChunk(running);
    const [pid] = await workerPids(runner.process.pid!);
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += Buffer.from(chunk.value).toString();
    const errorEvent = text.split('\n\n').find((event) => event.includes('"error"'));
    expect(errorEvent).toBeDefined();
    expect(JSON.parse(errorEvent!.slice(6)).error.message).toMatch(/engine for model ai\/tiny was killed by SIGKILL/);

    // A longer context keeps the tiny model generating long enough to be killed mid-request.
    expect((await postJson(runner, '/engines/_configure', { model: 'ai/tiny', 'context-size': 4096 })).status).toBe(202);
    const nonStreamed = postJson(runner, '/v1/chat/completions', { ...endless, stream: false });
    const second = await startedWorker(runner, pid!);
    await sleep(300);
    process.kill(second, 'SIGKILL');
    const failed = await nonStreamed;
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { message: string } }).error.message).toContain('ai/tiny');

    const after = await postJson(runner, '/v1/chat/completions', short);
    expect(after.status).toBe(200);
    const embeddings = await postJson(runner, '/v1/embeddings', { model: 'ai/tiny-embed', input: 'still serving' });
    expect(embeddings.status).toBe(200);
  });

  it('leaves no worker behind when the runner stops', async () => {
    const own = await runnerWithTinyModels();
    await postJson(own, '/v1/chat/completions', short);
    await postJson(own, '/v1/embeddings', { model: 'ai/tiny-embed', input: 'x' });
    const pids = await workerPids(own.process.pid!);
    expect(pids).toHaveLength(2);
    expect(await own.stop()).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    await own[Symbol.asyncDispose]();
  });

  it('workers exit when the runner is killed with -9', async () => {
    const own = await runnerWithTinyModels();
    await postJson(own, '/v1/chat/completions', short);
    const pids = await workerPids(own.process.pid!);
    own.process.kill('SIGKILL');
    await own.stop();
    for (let waited = 0; waited < 5000 && pids.some(isAlive); waited += 100) await sleep(100);
    expect(pids.filter(isAlive)).toEqual([]);
    await own[Symbol.asyncDispose]();
  });
});

describe('idle unload', () => {
  it('unloads a worker after a short keep-alive', async () => {
    await using runner = await runnerWithTinyModels({ env: { MODEL_RUNNER_KEEP_ALIVE: '500ms' } });
    expect((await postJson(runner, '/v1/chat/completions', short)).status).toBe(200);
    const [pid] = await workerPids(runner.process.pid!);
    expect(await enginePs(runner)).toEqual([expect.objectContaining({ model_name: 'ai/tiny', keep_alive: '0.5s' })]);
    await sleep(1500);
    expect(await enginePs(runner)).toEqual([]);
    expect(isAlive(pid!)).toBe(false);
  });
});

describe('a model that crashes llama.cpp on load', () => {
  it('answers a clear 500 naming the model instead of hanging, and keeps serving others', async () => {
    await using runner = await runnerWithTinyModels();
    const gguf = await readFile(await generatedModel('tiny', 'q8_0'));
    // Same length, so the file stays valid GGUF; llama.cpp then misses the head count and aborts.
    const key = Buffer.from('llama.attention.head_count');
    const at = gguf.indexOf(Buffer.concat([key, Buffer.from([0x04])]));
    expect(at).toBeGreaterThan(0);
    gguf.write('llama.attention.head_cxunt', at);
    const broken = join(runner.dir, 'broken.gguf');
    await writeFile(broken, gguf);
    await npmRun('package', ['--gguf', broken, 'ai/broken'], { MODEL_RUNNER_HOST: runner.url });

    const response = await postJson(runner, '/v1/chat/completions', { model: 'ai/broken', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(500);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toMatch(/engine for model ai\/broken (exited|was killed)/);
    expect((await postJson(runner, '/v1/chat/completions', short)).status).toBe(200);
  });
});

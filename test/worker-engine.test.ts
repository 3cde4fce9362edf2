import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startWorkerEngine as StartWorkerEngine } from '../src/engine/client/worker-engine.js';
import type { Engine, EngineLoadOptions } from '../src/engine/engine.js';
import { generatedModel } from './helpers/models.js';
import { builtEntry } from './helpers/runner-process.js';

/**
 * A worker with the model loaded, on one thread, logging quieted to errors; started by the built
 * client, so that it spawns the built worker next to it.
 */
async function startWorker(model: Pick<EngineLoadOptions, 'name' | 'modelPath' | 'mode' | 'contextSize'>, socketDir = `/tmp/mr-test-${process.pid}`): Promise<Engine> {
  const module = (await import(builtEntry('src/engine/client/worker-engine.js'))) as { startWorkerEngine: typeof StartWorkerEngine };
  return module.startWorkerEngine({ ...model, parallel: 1, gpu: 'off', threads: 1, chatTemplatePath: undefined }, { socketDir, log: pino({ level: 'silent' }), logLevel: 'error' });
}

it('starts, generates and reuses a sequence with logging quieted to errors', async () => {
  const engine = await startWorker({ name: 'ai/tiny', modelPath: await generatedModel(), mode: 'completion', contextSize: 256 });
  try {
    for (let round = 0; round < 3; round++) {
      const events = [];
      for await (const event of engine.generate({ text: 'same prompt', maxTokens: 8, ignoreEos: true }, new AbortController().signal)) events.push(event);
      expect(events.at(-1)).toEqual({ finish: { reason: 'length', promptTokens: expect.any(Number), completionTokens: 8 } });
    }
    expect((await engine.tokenize('héllo 🌍')).length).toBeGreaterThan(0);
  } finally {
    await engine.close();
  }
});

it('starts a worker where a killed process that had the same pid left its sockets', async () => {
  const socketDir = await mkdtemp(join(tmpdir(), 'mr-stale-'));
  // The paths the next workers of a process with this pid are given (engine-<pid>-<n>.sock).
  for (let worker = 0; worker < 100; worker++) await writeFile(join(socketDir, `engine-${process.pid}-${worker}.sock`), '');
  const engine = await startWorker({ name: 'ai/tiny', modelPath: await generatedModel(), mode: 'completion', contextSize: 256 }, socketDir);
  try {
    expect((await engine.tokenize('hello')).length).toBeGreaterThan(0);
  } finally {
    await engine.close();
    await rm(socketDir, { recursive: true, force: true });
  }
});

describe('embedding requests on one open call to the worker', () => {
  let engine: Engine;
  const signal = new AbortController().signal;
  const embedAlone = async (inputs: string[]) => (await engine.embed(inputs, signal)).vectors;

  beforeAll(async () => {
    engine = await startWorker({ name: 'ai/tiny-embed', modelPath: await generatedModel('tiny-embed'), mode: 'embedding', contextSize: 64 });
  });
  afterAll(() => engine.close());

  it('answers concurrent requests each with its own vectors, and fails only the one too long for the context', async () => {
    const alpha = await embedAlone(['alpha']);
    const betaGamma = await embedAlone(['beta', 'gamma']);
    const [first, second, tooLong] = await Promise.allSettled([
      engine.embed(['alpha'], signal),
      engine.embed(['beta', 'gamma'], signal),
      engine.embed(['word '.repeat(200)], signal),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { vectors: alpha } });
    expect(second).toMatchObject({ status: 'fulfilled', value: { vectors: betaGamma } });
    expect(tooLong).toMatchObject({ status: 'rejected', reason: { code: 'context_length_exceeded', param: 'input' } });
  });

  it("fails a request over gRPC's default 4 MiB message cap with its own error and answers the others beside it", async () => {
    const alpha = await embedAlone(['alpha']);
    const [huge, small] = await Promise.allSettled([engine.embed(['word '.repeat(1_000_000)], signal), engine.embed(['alpha'], signal)]);
    expect(huge).toMatchObject({ status: 'rejected', reason: { code: 'context_length_exceeded' } });
    expect(small).toMatchObject({ status: 'fulfilled', value: { vectors: alpha } });
  });

  it('fails an aborted request at once as cancelled and answers the next one', async () => {
    const alpha = await embedAlone(['alpha']);
    const departed = new AbortController();
    const abandoned = engine.embed(Array.from({ length: 64 }, (_, index) => `input ${index}`), departed.signal);
    departed.abort();
    await expect(abandoned).rejects.toMatchObject({ code: 'unavailable', message: 'request for model ai/tiny-embed was cancelled' });
    await expect(engine.embed(['alpha'], departed.signal)).rejects.toMatchObject({ code: 'unavailable' });
    expect(await embedAlone(['alpha'])).toEqual(alpha);
  });

  it('fails the requests in flight with the crash when the worker is killed', async () => {
    const inFlight = engine.embed(Array.from({ length: 64 }, (_, index) => `input ${index}`), signal);
    process.kill(engine.pid!, 'SIGKILL');
    await expect(inFlight).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/engine for model ai\/tiny-embed was killed by SIGKILL/) });
  });
});

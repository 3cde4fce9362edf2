import { pino } from 'pino';
import { expect, it } from 'vitest';
import type { startWorkerEngine as StartWorkerEngine } from '../src/engine/client/worker-engine.js';
import { generatedModel } from './helpers/models.js';
import { builtEntry } from './helpers/runner-process.js';

/** The built client, so that it spawns the built worker next to it. */
async function builtStartWorkerEngine(): Promise<typeof StartWorkerEngine> {
  const module = (await import(builtEntry('src/engine/client/worker-engine.js'))) as { startWorkerEngine: typeof StartWorkerEngine };
  return module.startWorkerEngine;
}

it('starts, generates and reuses a sequence with logging quieted to errors', async () => {
  const start = await builtStartWorkerEngine();
  const engine = await start(
    { name: 'ai/tiny', modelPath: await generatedModel(), mode: 'completion', contextSize: 256, parallel: 1, gpu: 'off', threads: 1, chatTemplatePath: undefined },
    { socketDir: `/tmp/mr-test-${process.pid}`, log: pino({ level: 'silent' }), logLevel: 'error' },
  );
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

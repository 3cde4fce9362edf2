import { pino } from 'pino';
import { expect, it } from 'vitest';
import type { WorkerLauncher as Launcher } from '../src/engine/client/worker-launcher.js';
import { generatedModel } from './helpers/models.js';
import { builtEntry } from './helpers/runner-process.js';
import { isAlive } from './helpers/worker-processes.js';

/** The built launcher, so that it spawns the built worker next to it. */
async function builtLauncher(): Promise<Launcher> {
  const module = (await import(builtEntry('src/engine/client/worker-launcher.js'))) as { WorkerLauncher: typeof Launcher };
  return new module.WorkerLauncher({ socketDir: `/tmp/mr-launcher-${process.pid}`, log: pino({ level: 'silent' }), logLevel: 'error' }, 'off');
}

const options = async (name: string) => ({
  name,
  modelPath: await generatedModel(),
  mode: 'completion' as const,
  contextSize: 256,
  parallel: 1,
  gpu: 'off' as const,
  threads: 1,
  chatTemplatePath: undefined,
});

it('serves the first model in the worker started ahead, keeps none beside a loaded model, and starts one again when the last engine is gone', async () => {
  const launcher = await builtLauncher();
  const workers = (await import('./helpers/worker-processes.js')).workerPids;
  launcher.prepare();
  const spare = async () => {
    for (let waited = 0; waited < 20_000; waited += 50) {
      const [pid] = await workers(process.pid);
      if (pid !== undefined) return pid;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no spare worker started');
  };
  const ahead = await spare();
  const first = await launcher.start(await options('ai/first'));
  expect(first.pid).toBe(ahead);
  const second = await launcher.start(await options('ai/second'));
  expect(second.pid).not.toBe(ahead);
  expect((await workers(process.pid)).sort()).toEqual([first.pid, second.pid].sort());
  await first.close();
  await second.close();
  const again = await spare();
  expect([first.pid, second.pid]).not.toContain(again);
  await launcher.close();
  expect(isAlive(again)).toBe(false);
  // Closed: an engine that ends now leaves no spare behind.
  const last = await launcher.start(await options('ai/last'));
  await last.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await workers(process.pid)).toEqual([]);
});

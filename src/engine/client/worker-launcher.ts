import type { Engine, EngineLoadOptions, GpuSetting } from '../engine.js';
import { loadInWorker, spawnWorker, type StartedWorker, type WorkerEngineDeps } from './worker-engine.js';

/**
 * Starts engines, with one worker process started ahead while no model is loaded: node's start,
 * node-llama-cpp's import and its binary test take about 1.3 s of a 2 s cold start, and a
 * worker started ahead leaves only the model and its context to the first request. None is kept
 * beside a loaded model, so that its memory is never spent next to a model's; one is started
 * again when the last engine has gone.
 */
export class WorkerLauncher {
  readonly #deps: WorkerEngineDeps;
  readonly #gpu: GpuSetting;
  #spare: Promise<StartedWorker | undefined> | undefined;
  #engines = 0;
  #closed = false;

  constructor(deps: WorkerEngineDeps, gpu: GpuSetting) {
    this.#deps = deps;
    this.#gpu = gpu;
  }

  /** Starts a spare worker unless one is there, an engine runs, or the launcher is closed. */
  prepare(): void {
    if (this.#spare || this.#engines > 0 || this.#closed) return;
    this.#spare = spawnWorker(this.#deps, this.#gpu).catch((error: unknown) => {
      this.#deps.log.warn({ err: error }, 'could not start a spare engine worker');
      return undefined;
    });
  }

  async start(options: EngineLoadOptions): Promise<Engine> {
    this.#engines++;
    try {
      const engine = await loadInWorker(await this.#worker(options.gpu), options);
      void engine.exited.then(() => this.#ended());
      return engine;
    } catch (error) {
      this.#ended();
      throw error;
    }
  }

  /** Kills the spare and starts no other: the runner is stopping. */
  async close(): Promise<void> {
    this.#closed = true;
    const spare = await this.#take();
    if (!spare) return;
    spare.child.stdin?.end();
    await spare.exited;
  }

  async #worker(gpu: GpuSetting): Promise<StartedWorker> {
    const spare = gpu === this.#gpu ? await this.#take() : undefined;
    // A spare that died while it waited (killed, out of memory) is no use; a fresh one is started.
    if (spare && spare.child.exitCode === null && spare.child.signalCode === null) return spare;
    return spawnWorker(this.#deps, gpu);
  }

  #take(): Promise<StartedWorker | undefined> {
    const spare = this.#spare ?? Promise.resolve(undefined);
    this.#spare = undefined;
    return spare;
  }

  #ended(): void {
    this.#engines--;
    this.prepare();
  }
}

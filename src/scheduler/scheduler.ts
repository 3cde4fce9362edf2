import type { Engine, EngineFactory, EngineMode } from '../engine/engine.js';
import { abortable, throwIfAborted } from '../shared/abort.js';
import { RunnerError } from '../shared/errors.js';
import { once } from '../shared/once.js';
import type { Logger } from '../shared/logger.js';
import { formatGoDuration } from './go-duration.js';
import { estimateMemoryBytes } from './memory-estimate.js';
import type { ConfiguredRunner, Lease, ModelTarget, RunnerConfig, RunnerEvents, RunnerStatus, SchedulerSettings } from './scheduler-types.js';
import { SlotQueue } from './slot-queue.js';

export interface SchedulerDeps {
  startEngine: EngineFactory;
  settings: SchedulerSettings;
  log: Logger;
  /** Bytes of memory free for a new worker (RAM, or VRAM when a GPU serves). */
  freeMemory: () => number;
  /** Told when workers start and end: request records live as long as their model's worker. */
  events?: RunnerEvents;
}

interface Runner {
  key: string;
  modelId: string;
  modelName: string;
  mode: EngineMode;
  /** From `_configure`, as the worker was started with it. */
  config: RunnerConfig;
  ready: Promise<Engine>;
  engine: Engine | undefined;
  slots: SlotQueue;
  refs: number;
  lastUsed: Date;
  keepAliveMs: number;
  memoryBytes: number;
  idleTimer: NodeJS.Timeout | undefined;
  defunct: boolean;
  /** Past making room, its worker is starting: it will be loaded (and idle, unless requests wait) soon. */
  starting: boolean;
}

const runnerKey = (modelId: string, mode: EngineMode) => `${modelId}|${mode}`;

/**
 * Which workers run. One worker per (model, mode), shared by leases; concurrent first requests
 * share one start. Idle workers unload after their keep-alive, and the least recently used idle
 * one makes room when a new model needs a slot or memory. A worker that is serving is never evicted.
 */
export class Scheduler {
  readonly #runners = new Map<string, Runner>();
  readonly #configs = new Map<string, ConfiguredRunner>();
  readonly #deps: SchedulerDeps;
  #closed = false;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** The worker for (model, mode), started if there is none; one start serves every caller. */
  #runnerFor(target: ModelTarget, mode: EngineMode): Runner {
    if (this.#closed) throw new RunnerError('unavailable', 'the runner is shutting down');
    return this.#runners.get(runnerKey(target.id, mode)) ?? this.#start(target, mode);
  }

  /**
   * A slot on the worker for (model, mode), loading it first if needed. A caller whose signal aborts
   * at any point (waiting for the load, in the queue, or as its slot is granted) gets the signal's
   * reason and holds nothing.
   */
  async acquire(target: ModelTarget, mode: EngineMode, signal: AbortSignal): Promise<Lease> {
    for (;;) {
      const runner = this.#runnerFor(target, mode);
      const engine = await abortable(runner.ready, signal);
      // A worker that died while we waited has failed its queue already; joining it would wait forever.
      if (runner.defunct) continue;
      await runner.slots.enter(signal);
      if (runner.defunct || signal.aborted) {
        runner.slots.leave();
        throwIfAborted(signal);
        continue;
      }
      runner.refs++;
      clearTimeout(runner.idleTimer);
      runner.idleTimer = undefined;
      return { engine, release: once(() => this.#release(runner)) };
    }
  }

  #start(target: ModelTarget, mode: EngineMode): Runner {
    const { settings } = this.#deps;
    const key = runnerKey(target.id, mode);
    const config = this.#configs.get(key)?.config ?? {};
    const contextSize = config.contextSize ?? target.contextSize;
    const parallel = mode === 'embedding' ? 1 : settings.parallel;
    const memoryBytes = estimateMemoryBytes({
      weightsBytes: target.weightsBytes,
      gguf: target.gguf,
      contextSize: contextSize || 4096,
      sequences: parallel,
    });
    const runner: Runner = {
      key,
      modelId: target.id,
      modelName: target.name,
      mode,
      config,
      ready: Promise.resolve().then(() => this.#load(runner, target, contextSize, parallel)),
      engine: undefined,
      slots: new SlotQueue(parallel, settings.maxQueue, target.name),
      refs: 0,
      lastUsed: new Date(),
      keepAliveMs: config.keepAliveMs ?? settings.defaultKeepAliveMs,
      memoryBytes,
      idleTimer: undefined,
      defunct: false,
      starting: false,
    };
    this.#runners.set(key, runner);
    runner.ready.catch(() => undefined);
    return runner;
  }

  async #load(runner: Runner, target: ModelTarget, contextSize: number, parallel: number): Promise<Engine> {
    const { settings, log } = this.#deps;
    try {
      await this.#makeRoom(runner);
      log.info({ model: target.name, mode: runner.mode, contextSize, parallel }, 'starting engine');
      const engine = await this.#deps.startEngine({
        name: target.name,
        modelPath: target.modelPath,
        mode: runner.mode,
        contextSize,
        parallel,
        gpu: settings.gpu,
        threads: settings.threads,
        chatTemplatePath: target.chatTemplatePath,
      });
      runner.engine = engine;
      this.#deps.events?.runnerStarted(runner.modelId, runner.config);
      void engine.exited.then(() => this.#onExit(runner));
      if (this.#runners.get(runner.key) !== runner) await engine.close();
      return engine;
    } catch (error) {
      if (this.#runners.get(runner.key) === runner) this.#runners.delete(runner.key);
      runner.defunct = true;
      throw error;
    }
  }

  /** Evicts least recently used idle workers until the new one fits in the slots and in memory. */
  async #makeRoom(runner: Runner): Promise<void> {
    const { settings, freeMemory } = this.#deps;
    for (;;) {
      // Loads still making room hold no slot yet; the first to find room takes it, in this same tick.
      const others = [...this.#runners.values()].filter((other) => other !== runner && (other.starting || other.engine));
      const needsSlot = others.length >= settings.maxModels;
      const needsMemory = runner.memoryBytes > freeMemory();
      if (!needsSlot && !needsMemory) {
        runner.starting = true;
        return;
      }
      const victim = others
        .filter((other) => other.engine && other.refs === 0 && other.slots.waiting === 0)
        .sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime())[0];
      if (!victim) {
        // A model still loading (a preload, a configure) becomes idle, and evictable, once loaded:
        // wait for it rather than refuse; only a room full of busy models is a 503.
        const loading = others.filter((other) => !other.engine && !other.defunct);
        if (loading.length > 0) {
          await Promise.race(loading.map((other) => other.ready.then(
            () => undefined,
            () => undefined,
          )));
          continue;
        }
        const why = needsSlot
          ? `${others.length} models are loaded (the limit is ${settings.maxModels}) and all are busy`
          : `it needs about ${Math.ceil(runner.memoryBytes / 2 ** 20)} MiB and only ${Math.floor(freeMemory() / 2 ** 20)} MiB are free`;
        throw new RunnerError('unavailable', `cannot load model ${runner.modelName}: ${why}`);
      }
      this.#deps.log.info({ model: victim.modelName, mode: victim.mode, for: runner.modelName }, 'evicting idle engine');
      await this.#evict(victim);
    }
  }

  /** Loads the model without taking a request slot (`X-Preload-Only`, `_configure`). */
  async preload(target: ModelTarget, mode: EngineMode): Promise<void> {
    const runner = this.#runnerFor(target, mode);
    await runner.ready;
    if (runner.refs === 0 && runner.idleTimer === undefined) this.#idle(runner);
  }

  #release(runner: Runner): void {
    runner.refs--;
    runner.lastUsed = new Date();
    runner.slots.leave();
    if (runner.refs === 0) this.#idle(runner);
  }

  #idle(runner: Runner): void {
    if (runner.defunct || runner.keepAliveMs < 0) return;
    if (runner.keepAliveMs === 0) {
      void this.#evict(runner);
      return;
    }
    runner.idleTimer = setTimeout(() => {
      if (runner.refs === 0) void this.#evict(runner);
    }, runner.keepAliveMs);
    runner.idleTimer.unref();
  }

  #onExit(runner: Runner): void {
    this.#deps.events?.runnerEnded(runner.modelId);
    runner.defunct = true;
    clearTimeout(runner.idleTimer);
    if (this.#runners.get(runner.key) === runner) this.#runners.delete(runner.key);
    runner.slots.rejectWaiting(new RunnerError('internal', `the engine for model ${runner.modelName} stopped`));
  }

  async #evict(runner: Runner): Promise<void> {
    if (this.#runners.get(runner.key) === runner) this.#runners.delete(runner.key);
    runner.defunct = true;
    clearTimeout(runner.idleTimer);
    await runner.engine?.close();
  }

  ps(): RunnerStatus[] {
    return [...this.#runners.values()].map((runner) => ({
      backend_name: 'llama.cpp',
      model_name: runner.modelName,
      mode: runner.mode,
      last_used: runner.refs > 0 || !runner.engine ? '0001-01-01T00:00:00Z' : runner.lastUsed.toISOString(),
      ...(runner.refs > 0 ? { in_use: true } : {}),
      ...(runner.engine ? {} : { loading: true }),
      ...(runner.keepAliveMs >= 0 ? { keep_alive: formatGoDuration(runner.keepAliveMs) } : {}),
    }));
  }

  /** Unloads idle workers of the matching models (all when no filter); returns how many. */
  async unload(matches: (modelId: string) => boolean): Promise<number> {
    const idle = [...this.#runners.values()].filter((runner) => runner.engine && runner.refs === 0 && matches(runner.modelId));
    await Promise.all(idle.map((runner) => this.#evict(runner)));
    return idle.length;
  }

  /** Stores a runtime config; a running idle worker is replaced, a busy one refuses (409). */
  async configure(entry: ConfiguredRunner): Promise<void> {
    const key = runnerKey(entry.modelId, entry.mode);
    const running = this.#runners.get(key);
    if (running && (running.refs > 0 || !running.engine)) throw new RunnerError('conflict', 'runner already active');
    if (running) await this.#evict(running);
    this.#configs.set(key, entry);
  }

  configs(modelId?: string): ConfiguredRunner[] {
    return [...this.#configs.values()].filter((entry) => modelId === undefined || entry.modelId === modelId);
  }

  clearConfigs(): void {
    this.#configs.clear();
  }

  /** Refuses new requests and loads (503); leases already held go on. */
  stopAccepting(): void {
    this.#closed = true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const runners = [...this.#runners.values()];
    await Promise.all(runners.map(async (runner) => (await runner.ready.catch(() => undefined), this.#evict(runner))));
  }
}

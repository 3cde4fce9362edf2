import type { Engine, EngineMode, GpuSetting } from '../engine/engine.js';

export interface SchedulerSettings {
  maxModels: number;
  parallel: number;
  maxQueue: number;
  /** Milliseconds; 0 unloads as soon as idle, negative never. */
  defaultKeepAliveMs: number;
  gpu: GpuSetting;
  threads: number;
}

/** A stored model, as the scheduler needs it; the server resolves references into these. */
export interface ModelTarget {
  id: string;
  /** The reference the client used, reported by /engines/ps. */
  name: string;
  modelPath: string;
  chatTemplatePath: string | undefined;
  /** From the model's config; 0 when it has none. */
  contextSize: number;
  weightsBytes: number;
  gguf: Readonly<Record<string, string>>;
}

/** Per (model, mode) settings from `_configure`. */
export interface RunnerConfig {
  contextSize?: number;
  keepAliveMs?: number;
}

/** Told when a worker has started (with its runtime config) and when it has ended, whatever ended it. */
export interface RunnerEvents {
  runnerStarted(modelId: string, config: RunnerConfig): void;
  runnerEnded(modelId: string): void;
}

export interface Lease {
  readonly engine: Engine;
  release(): void;
}

/** One row of `GET /engines/ps`, in DMR's shape. */
export interface RunnerStatus {
  backend_name: string;
  model_name: string;
  mode: EngineMode;
  last_used: string;
  in_use?: boolean;
  loading?: boolean;
  keep_alive?: string;
}

export interface ConfiguredRunner {
  modelId: string;
  modelName: string;
  mode: EngineMode;
  config: RunnerConfig;
}

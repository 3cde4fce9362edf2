import { percentile } from '../../bench/openai-load.js';

export interface MemorySample {
  /** Milliseconds since the soak started. */
  at: number;
  runnerMiB: number;
  workersMiB: number;
}

interface Drift {
  first: number;
  last: number;
  /** (last - first) / first */
  change: number;
}

function drift(first: readonly number[], last: readonly number[]): Drift {
  const a = percentile(first, 0.5);
  const b = percentile(last, 0.5);
  return { first: a, last: b, change: (b - a) / a };
}

/**
 * Median resident memory in the soak's first and last minute after its warm-up (negative times);
 * a run shorter than four minutes compares its first and last quarters, so the windows never overlap.
 */
export function memoryDrift(samples: readonly MemorySample[], durationMs: number): { runner: Drift; workers: Drift } {
  const window = Math.min(60_000, durationMs / 4);
  const first = samples.filter((sample) => sample.at >= 0 && sample.at <= window);
  const last = samples.filter((sample) => sample.at >= durationMs - window);
  return {
    runner: drift(first.map((s) => s.runnerMiB), last.map((s) => s.runnerMiB)),
    workers: drift(first.map((s) => s.workersMiB), last.map((s) => s.workersMiB)),
  };
}

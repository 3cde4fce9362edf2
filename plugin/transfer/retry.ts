import { setTimeout as sleep } from 'node:timers/promises';
import { isRunnerError, RunnerError } from '../../src/shared/errors.js';

export interface RetrySchedule {
  /** The wait before each retry; as many retries as there are delays. */
  delaysMs: readonly number[];
  /** Rejects with an AbortError when `signal` fires, so Ctrl+C does not wait out a backoff. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** DMR's CLI: up to 4 retries, 1, 2, 4 then 8 seconds apart. */
export const DMR_RETRY_SCHEDULE: RetrySchedule = {
  delaysMs: [1000, 2000, 4000, 8000],
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

export interface RetryOptions {
  schedule: RetrySchedule;
  signal: AbortSignal;
  /** Told before each wait, to say so as DMR's CLI does. */
  onRetry(attempt: number, retries: number, delayMs: number): void;
}

/**
 * What DMR's CLI retries: the runner unreachable or answering 502, 503 or 504, and a progress
 * stream cut off. These all arrive as `unavailable`; a 500, a 4xx or a failed pull do not.
 */
export function isTransient(error: unknown): boolean {
  return isRunnerError(error, 'unavailable');
}

/**
 * `attempt` until it succeeds, fails for good, or the retries run out; the last failure then says
 * how many retries were made, as DMR's "download failed after 4 retries: …".
 */
export async function withRetries<T>(operation: string, attempt: (index: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retries = options.schedule.delaysMs.length;
  for (let index = 0; ; index++) {
    try {
      return await attempt(index);
    } catch (error) {
      if (options.signal.aborted || !isTransient(error)) throw error;
      const delayMs = options.schedule.delaysMs[index];
      if (delayMs === undefined) {
        throw new RunnerError((error as RunnerError).code, `${operation} failed after ${retries} retries: ${(error as Error).message}`, { cause: error });
      }
      options.onRetry(index + 1, retries, delayMs);
      await options.schedule.sleep(delayMs, options.signal);
    }
  }
}

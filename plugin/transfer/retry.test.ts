import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../src/shared/errors.js';
import { DMR_RETRY_SCHEDULE, withRetries, type RetrySchedule } from './retry.js';

function recordingSchedule(): RetrySchedule & { waits: number[] } {
  const waits: number[] = [];
  return { delaysMs: DMR_RETRY_SCHEDULE.delaysMs, waits, sleep: async (ms) => void waits.push(ms) };
}

function failingWith(errors: unknown[], result = 'done'): { attempts: number[]; attempt: (index: number) => Promise<string> } {
  const attempts: number[] = [];
  return {
    attempts,
    attempt: async (index) => {
      attempts.push(index);
      const error = errors[index];
      if (error) throw error;
      return result;
    },
  };
}

const unavailable = () => new RunnerError('unavailable', 'Docker Model Runner is not running. Please start it and try again.');

describe('retrying a transfer as DMR does', () => {
  it('retries transient failures after 1 s, then 2 s, and returns the first success', async () => {
    const schedule = recordingSchedule();
    const retries: string[] = [];
    const { attempts, attempt } = failingWith([unavailable(), unavailable()]);
    const result = await withRetries('download', attempt, { schedule, signal: new AbortController().signal, onRetry: (n, of, ms) => retries.push(`${n}/${of} ${ms}`) });
    expect(result).toBe('done');
    expect(attempts).toEqual([0, 1, 2]);
    expect(schedule.waits).toEqual([1000, 2000]);
    expect(retries).toEqual(['1/4 1000', '2/4 2000']);
  });

  it('gives up after 4 retries (1, 2, 4, 8 s), saying so in front of the last failure', async () => {
    const schedule = recordingSchedule();
    const { attempts, attempt } = failingWith(Array.from({ length: 10 }, unavailable));
    const error = await withRetries('download', attempt, { schedule, signal: new AbortController().signal, onRetry: () => undefined }).catch((caught: unknown) => caught);
    expect(attempts).toEqual([0, 1, 2, 3, 4]);
    expect(schedule.waits).toEqual([1000, 2000, 4000, 8000]);
    expect(error).toBeInstanceOf(RunnerError);
    expect((error as RunnerError).code).toBe('unavailable');
    expect((error as Error).message).toBe('download failed after 4 retries: Docker Model Runner is not running. Please start it and try again.');
  });

  it('does not retry a 500, a 4xx or a failed pull', async () => {
    for (const error of [new RunnerError('internal', 'pulling x failed with status 500'), new RunnerError('not_found', 'Model not found'), new TypeError('bug')]) {
      const schedule = recordingSchedule();
      const { attempts, attempt } = failingWith([error]);
      await expect(withRetries('download', attempt, { schedule, signal: new AbortController().signal, onRetry: () => undefined })).rejects.toBe(error);
      expect(attempts).toEqual([0]);
      expect(schedule.waits).toEqual([]);
    }
  });

  it('stops at once when interrupted, without waiting out the backoff', async () => {
    const controller = new AbortController();
    const { attempts, attempt } = failingWith(Array.from({ length: 10 }, unavailable));
    const started = Date.now();
    const running = withRetries('download', attempt, { schedule: DMR_RETRY_SCHEDULE, signal: controller.signal, onRetry: () => setImmediate(() => controller.abort()) });
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(attempts).toEqual([0]);
    expect(Date.now() - started).toBeLessThan(900);
  });
});

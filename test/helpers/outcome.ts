import { expect } from 'vitest';
import { isRunnerError, type ErrorCode, type RunnerError } from '../../src/shared/errors.js';

export type Outcome<T> = { value: T } | { refusal: RunnerError };

/**
 * What `run` returns, or the RunnerError it refuses with (of `code`, when one is named). Any other
 * exception fails the property, as that is a crash rather than a refusal.
 */
export async function outcomeOf<T>(run: () => T | Promise<T>, code?: ErrorCode): Promise<Outcome<T>> {
  try {
    return { value: await run() };
  } catch (error) {
    expect(isRunnerError(error, code), `expected a RunnerError${code ? ` (${code})` : ''}, got ${String(error)}`).toBe(true);
    return { refusal: error as RunnerError };
  }
}

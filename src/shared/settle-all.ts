import { RunnerError } from './errors.js';

/**
 * Runs tasks together; the first failure aborts the others through the signal they are given, and
 * the call returns only once every task has stopped, so nothing is still writing when the caller
 * reports the failure (or retries).
 */
export async function settleAll<T>(items: readonly T[], task: (item: T, signal: AbortSignal) => Promise<void>, outer?: AbortSignal): Promise<void> {
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  let failure: { error: unknown } | undefined;
  await Promise.all(
    items.map((item) =>
      task(item, signal).catch((error: unknown) => {
        failure ??= { error };
        controller.abort(new RunnerError('internal', 'cancelled: a task beside it failed'));
      }),
    ),
  );
  if (failure) throw failure.error;
}

import type { EventEmitter } from 'node:events';

/** The exit status a shell gives a command that Ctrl+C stopped (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * An AbortSignal that Ctrl+C fires while `work` runs, instead of Node's default of dying on the
 * spot. Only the first SIGINT is taken: once the listener is gone, a second Ctrl+C kills the
 * process as usual, should the abort itself hang.
 */
export async function interruptible<T>(signals: EventEmitter, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  signals.once('SIGINT', interrupt);
  try {
    return await work(controller.signal);
  } finally {
    signals.off('SIGINT', interrupt);
  }
}

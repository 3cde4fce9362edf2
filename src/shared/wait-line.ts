import { abortError, onAbort } from './abort.js';

interface Waiter {
  wake(): void;
  fail(error: unknown): void;
}

/**
 * Callers waiting their turn in arrival order. A caller whose signal aborts leaves the line at
 * once (one that aborted before it came never joins). What the turn is for (a slot, a sequence) is
 * the owner's business: `wakeNext` tells it whether anyone took it.
 */
export class WaitLine {
  readonly #waiters: Waiter[] = [];

  get length(): number {
    return this.#waiters.length;
  }

  wait(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError(signal));
        return;
      }
      const waiter: Waiter = {
        wake: () => {
          stopWatching();
          resolve();
        },
        fail: (error) => {
          stopWatching();
          reject(error);
        },
      };
      this.#waiters.push(waiter);
      const stopWatching = onAbort(signal, () => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(abortError(signal));
      });
    });
  }

  /** Gives the turn to the first in line; false when nobody waits. */
  wakeNext(): boolean {
    const next = this.#waiters.shift();
    next?.wake();
    return next !== undefined;
  }

  /** Fails everyone still waiting, e.g. when what they wait for is gone. */
  failAll(error: unknown): void {
    for (const waiter of this.#waiters.splice(0)) waiter.fail(error);
  }
}

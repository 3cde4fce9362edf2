import { abortError, onAbort, throwIfAborted } from '../shared/abort.js';
import { RunnerError } from '../shared/errors.js';

/**
 * Admission to one worker: up to `parallel` requests run at once (one sequence each); up to
 * `maxQueue` more wait their turn in arrival order; beyond that a request is refused at once.
 */
export class SlotQueue {
  #active = 0;
  readonly #waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(
    readonly parallel: number,
    readonly maxQueue: number,
    readonly name: string,
  ) {}

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Takes a slot, waiting in line when all are busy. A signal that aborts while waiting leaves the
   * line; one aborted before the call never joins it.
   */
  async enter(signal: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (this.#active < this.parallel) {
      this.#active++;
      return;
    }
    if (this.#waiting.length >= this.maxQueue) {
      throw new RunnerError('unavailable', `model ${this.name} is busy: ${this.#active} requests running and ${this.#waiting.length} waiting; try again later`);
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          stopWatching();
          resolve();
        },
        reject: (error: unknown) => {
          stopWatching();
          reject(error);
        },
      };
      this.#waiting.push(waiter);
      const stopWatching = onAbort(signal, () => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(abortError(signal));
      });
    });
  }

  /** Hands the slot straight to the next waiter, so the count never dips below what is running. */
  leave(): void {
    const next = this.#waiting.shift();
    if (next) next.resolve();
    else this.#active--;
  }

  /** Fails everyone still waiting, e.g. when the worker died. */
  rejectWaiting(error: RunnerError): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
  }
}

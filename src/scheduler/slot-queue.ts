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

  async enter(signal: AbortSignal): Promise<void> {
    if (this.#active < this.parallel) {
      this.#active++;
      return;
    }
    if (this.#waiting.length >= this.maxQueue) {
      throw new RunnerError('unavailable', `model ${this.name} is busy: ${this.#active} requests running and ${this.#waiting.length} waiting; try again later`);
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      this.#waiting.push(waiter);
      signal.addEventListener(
        'abort',
        () => {
          const index = this.#waiting.indexOf(waiter);
          if (index >= 0) this.#waiting.splice(index, 1);
          reject(signal.reason);
        },
        { once: true },
      );
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

import { throwIfAborted } from '../shared/abort.js';
import { RunnerError } from '../shared/errors.js';
import { WaitLine } from '../shared/wait-line.js';

/**
 * Admission to one worker: up to `parallel` requests run at once (one sequence each); up to
 * `maxQueue` more wait their turn in arrival order; beyond that a request is refused at once.
 */
export class SlotQueue {
  #active = 0;
  readonly #line = new WaitLine();

  constructor(
    readonly parallel: number,
    readonly maxQueue: number,
    readonly name: string,
  ) {}

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#line.length;
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
    if (this.#line.length >= this.maxQueue) {
      throw new RunnerError('unavailable', `model ${this.name} is busy: ${this.#active} requests running and ${this.#line.length} waiting; try again later`);
    }
    await this.#line.wait(signal);
  }

  /** Hands the slot straight to the next waiter, so the count never dips below what is running. */
  leave(): void {
    if (!this.#line.wakeNext()) this.#active--;
  }

  /** Fails everyone still waiting, e.g. when the worker died. */
  rejectWaiting(error: RunnerError): void {
    this.#line.failAll(error);
  }
}

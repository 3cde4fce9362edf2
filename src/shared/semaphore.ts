import { throwIfAborted } from './abort.js';
import { once } from './once.js';
import { WaitLine } from './wait-line.js';

/** At most `limit` holders at once; the rest wait in arrival order and may give up through their signal. */
export class Semaphore {
  #held = 0;
  readonly #line = new WaitLine();

  constructor(readonly limit: number) {}

  async acquire(signal: AbortSignal): Promise<() => void> {
    throwIfAborted(signal);
    if (this.#held < this.limit) this.#held++;
    else await this.#line.wait(signal);
    return this.#releaser();
  }

  /** A slot passes straight to the next waiter, so the count never dips below what is held. */
  #releaser(): () => void {
    return once(() => {
      if (!this.#line.wakeNext()) this.#held--;
    });
  }
}

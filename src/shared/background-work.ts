import { RunnerError } from './errors.js';

/**
 * Work that runs on after the request that started it answered (a pull streaming to its clients),
 * which its owner must let finish before the process exits. Once closing, no new work is taken.
 */
export class BackgroundWork {
  readonly #running = new Set<Promise<unknown>>();
  #closing = false;

  constructor(readonly what: string) {}

  /** Throws 503 once closing, so new work is refused while what runs finishes. */
  ensureOpen(): void {
    if (this.#closing) throw new RunnerError('unavailable', `the runner is shutting down: no new ${this.what}`);
  }

  track(work: Promise<unknown>): void {
    const settled: Promise<unknown> = work.catch(() => undefined).finally(() => this.#running.delete(settled));
    this.#running.add(settled);
  }

  stopAccepting(): void {
    this.#closing = true;
  }

  /** Refuses new work and waits for every running piece to settle. */
  async close(): Promise<void> {
    this.#closing = true;
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}

import { RunnerError } from '../shared/errors.js';

/**
 * Aborts a transfer that makes no progress for `timeoutMs`, however long it runs in total: a
 * registry that hangs up silently must not hold a pull forever. Each chunk calls `touch()`.
 */
export class StallGuard implements Disposable {
  readonly #controller = new AbortController();
  readonly signal: AbortSignal;
  #timer: NodeJS.Timeout | undefined;
  #lastActivity = 0;

  constructor(
    readonly timeoutMs: number,
    readonly what: string,
    outer?: AbortSignal,
  ) {
    this.signal = outer ? AbortSignal.any([outer, this.#controller.signal]) : this.#controller.signal;
    this.touch();
  }

  /** Called per chunk, so it only notes the time; the one timer re-arms itself until data stops. */
  touch(): void {
    this.#lastActivity = performance.now();
    if (this.#timer === undefined) this.#arm(this.timeoutMs);
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const idle = performance.now() - this.#lastActivity;
      if (idle >= this.timeoutMs) this.#controller.abort(this.stalledError());
      else this.#arm(this.timeoutMs - idle);
    }, delay);
    this.#timer.unref();
  }

  stalledError(): RunnerError {
    return new RunnerError('internal', `${this.what}: no data from the registry for ${Math.round(this.timeoutMs / 1000)} s`);
  }

  /** The reason to report when the signal fired: ours when we stalled, the caller's otherwise. */
  reason(error: unknown): unknown {
    return this.signal.aborted ? this.signal.reason : error;
  }

  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Passes a body through, re-arming the timer on each chunk; the timer stops when it ends. */
  async *guard(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) {
        this.touch();
        yield chunk;
      }
    } catch (error) {
      throw this.reason(error);
    } finally {
      this[Symbol.dispose]();
    }
  }
}

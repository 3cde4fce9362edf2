import type { ProgressMessage } from '../api/dmr-types.js';

interface Subscriber {
  queue: ProgressMessage[];
  wake: (() => void) | undefined;
  left: boolean;
}

/**
 * One operation's progress, fanned out to every client following it. A client that joins late
 * sees what happens from then on, and always the final line. When the last client leaves, the
 * operation is told to stop (`onAbandoned`).
 */
export class ProgressBroadcast {
  readonly #subscribers = new Set<Subscriber>();
  #ended = false;

  constructor(readonly onAbandoned: () => void) {}

  get ended(): boolean {
    return this.#ended;
  }

  publish(message: ProgressMessage): void {
    for (const subscriber of this.#subscribers) {
      subscriber.queue.push(message);
      subscriber.wake?.();
    }
  }

  /** Publishes the last line; subscribers finish after reading it. */
  end(message: ProgressMessage): void {
    this.publish(message);
    this.#ended = true;
    for (const subscriber of this.#subscribers) subscriber.wake?.();
  }

  /**
   * Registers at once (so the operation is not abandoned while the caller waits), reads lazily.
   * The client's signal ends the subscription even while no line is due: a stalled transfer
   * must not keep a departed client's operation alive.
   */
  subscribe(signal?: AbortSignal): { messages: AsyncGenerator<ProgressMessage>; leave: () => void } {
    const subscriber: Subscriber = { queue: [], wake: undefined, left: false };
    this.#subscribers.add(subscriber);
    const leave = () => {
      signal?.removeEventListener('abort', leave);
      subscriber.left = true;
      subscriber.wake?.();
      if (!this.#subscribers.delete(subscriber)) return;
      if (this.#subscribers.size === 0 && !this.#ended) this.onAbandoned();
    };
    if (signal?.aborted) leave();
    else signal?.addEventListener('abort', leave, { once: true });
    const read = async function* (this: ProgressBroadcast): AsyncGenerator<ProgressMessage> {
      try {
        for (;;) {
          const next = subscriber.queue.shift();
          if (next) {
            yield next;
            continue;
          }
          if (this.#ended || subscriber.left) return;
          await new Promise<void>((resolve) => (subscriber.wake = resolve));
          subscriber.wake = undefined;
        }
      } finally {
        leave();
      }
    };
    return { messages: read.call(this), leave };
  }
}

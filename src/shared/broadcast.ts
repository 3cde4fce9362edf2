interface Subscriber<T> {
  queue: T[];
  wake: (() => void) | undefined;
  left: boolean;
}

export interface BroadcastOptions {
  /** Told when the last subscriber leaves before the end: nobody follows the work any more. */
  onAbandoned?: () => void;
  /** Items a subscriber may have unread; beyond it new ones (but the last) are dropped for that subscriber alone, so a client that stops reading costs bounded memory. */
  limit?: number;
}

/**
 * Items fanned out to every subscriber, each reading at its own pace. A subscriber that joins late
 * sees what is published from then on, and always the last item given to `end`.
 */
export class Broadcast<T> {
  readonly #subscribers = new Set<Subscriber<T>>();
  readonly #options: BroadcastOptions;
  #ended = false;

  constructor(options: BroadcastOptions = {}) {
    this.#options = options;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** How many subscribers are reading now. */
  get size(): number {
    return this.#subscribers.size;
  }

  publish(item: T): void {
    this.#deliver(item, this.#options.limit ?? Infinity);
  }

  #deliver(item: T, limit: number): void {
    for (const subscriber of this.#subscribers) {
      if (subscriber.queue.length >= limit) continue;
      subscriber.queue.push(item);
      subscriber.wake?.();
    }
  }

  /** Publishes the last item, which every subscriber gets, over the limit too; they finish after reading it. */
  end(item: T): void {
    this.#deliver(item, Infinity);
    this.#ended = true;
    for (const subscriber of this.#subscribers) subscriber.wake?.();
  }

  /**
   * Registers at once (so the work is not abandoned while the caller waits), reads lazily.
   * The client's signal ends the subscription even while no item is due: a stalled transfer
   * must not keep a departed client's operation alive, nor a quiet feed its subscription.
   */
  subscribe(signal?: AbortSignal): { messages: AsyncGenerator<T>; leave: () => void } {
    const subscriber: Subscriber<T> = { queue: [], wake: undefined, left: false };
    this.#subscribers.add(subscriber);
    const leave = () => {
      signal?.removeEventListener('abort', leave);
      subscriber.left = true;
      subscriber.wake?.();
      if (!this.#subscribers.delete(subscriber)) return;
      if (this.#subscribers.size === 0 && !this.#ended) this.#options.onAbandoned?.();
    };
    if (signal?.aborted) leave();
    else signal?.addEventListener('abort', leave, { once: true });
    const read = async function* (this: Broadcast<T>): AsyncGenerator<T> {
      try {
        for (;;) {
          if (subscriber.queue.length > 0) {
            yield subscriber.queue.shift() as T;
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

import { Mutex } from './mutex.js';

/** One Mutex per key, made on demand and dropped when nobody holds or waits for it. */
export class KeyedMutex {
  readonly #held = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const entry = this.#held.get(key) ?? { mutex: new Mutex(), users: 0 };
    this.#held.set(key, entry);
    entry.users++;
    try {
      return await entry.mutex.run(section);
    } finally {
      if (--entry.users === 0) this.#held.delete(key);
    }
  }
}

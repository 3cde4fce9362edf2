import { join } from 'node:path';
import { onAbort } from '../shared/abort.js';
import { DEFAULT_STALE_MS, FileLock, inspectLock } from '../shared/file-lock.js';
import { KeyedMutex } from '../shared/keyed-mutex.js';
import type { Logger } from '../shared/logger.js';
import { hexOf } from './store-layout.js';

/**
 * The store's locks, shared by every process (and container) that opens the same store: one file
 * per lock in `<root>/.locks`. Callers in this process queue on an in-process mutex first, so
 * only one of them polls the file.
 *
 * - `index`: every read-modify-write of models.json (commit, tag, delete, purge);
 * - `blob-<hex>`: a blob's download into `<hex>.incomplete` and its rename into place;
 * - `bundle-<hex>`: building a model's runtime bundle;
 * - `owner-<token>`: held by each open store for its lifetime (store-owner.ts).
 */
export class StoreLocks {
  readonly #inProcess = new KeyedMutex();

  constructor(
    readonly dir: string,
    readonly staleMs: number = DEFAULT_STALE_MS,
    readonly logger?: Logger,
  ) {}

  path(name: string): string {
    return join(this.dir, `${name}.lock`);
  }

  /**
   * Runs `section` holding the named lock. Its signal aborts when `signal` does or when the lock
   * is lost (taken over after this process stalled for longer than the stale time).
   */
  async run<T>(name: string, section: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#inProcess.run(name, async () => {
      const lock = await FileLock.acquire(this.path(name), { staleMs: this.staleMs, signal });
      const stopWatching = onAbort(lock.lost, () => this.logger?.warn({ lock: name, err: lock.lost.reason }, 'store lock lost'));
      try {
        return await section(signal ? AbortSignal.any([signal, lock.lost]) : lock.lost);
      } finally {
        stopWatching();
        await lock.release();
      }
    });
  }

  index<T>(section: () => Promise<T>): Promise<T> {
    return this.run('index', section);
  }

  blob<T>(digest: string, section: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.run(`blob-${hexOf(digest)}`, section, signal);
  }

  bundle<T>(id: string, section: () => Promise<T>): Promise<T> {
    return this.run(`bundle-${hexOf(id)}`, section);
  }

  /** Whether a live process holds the named lock now. */
  async isHeld(name: string): Promise<boolean> {
    const state = await inspectLock(this.path(name), this.staleMs);
    return state.held && !state.stale;
  }
}

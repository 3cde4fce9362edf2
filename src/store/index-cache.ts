import { statSync } from 'node:fs';
import { readIndex, type ModelIndex } from './model-index.js';

/**
 * models.json, parsed once and kept while the file is unchanged. Other processes sharing the store
 * rewrite it too, always by renaming a new file over it, so each request checks the file's identity
 * (inode, size, change and modification times) with one stat instead of reading and parsing it.
 * This process drops the cache whenever it writes.
 *
 * The stat is synchronous: it is a few microseconds on the local volume the store lives on, where
 * an asynchronous one is a round trip through libuv's thread pool, whose thread must first get a
 * core. On two cores busy with a decode, this stat and the bundle's check (`existingBundle`) made
 * asynchronous cost a one-input embedding request 1.3–1.7 ms at p50 (two alternating runs of 7
 * and 9 rounds of 200 requests).
 */
export class IndexCache {
  #cached: { identity: string; index: ModelIndex } | undefined;

  constructor(readonly path: string) {}

  async read(): Promise<ModelIndex> {
    // Stat before reading: if the file is replaced in between, the next stat sees a new identity.
    const stats = statSync(this.path, { bigint: true });
    const identity = `${stats.ino}:${stats.size}:${stats.ctimeNs}:${stats.mtimeNs}`;
    if (this.#cached?.identity === identity) return this.#cached.index;
    const index = await readIndex(this.path);
    this.#cached = { identity, index };
    return index;
  }

  drop(): void {
    this.#cached = undefined;
  }
}

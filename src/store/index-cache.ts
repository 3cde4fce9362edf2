import { stat } from 'node:fs/promises';
import { readIndex, type ModelIndex } from './model-index.js';

/**
 * models.json, parsed once and kept while the file is unchanged. Other processes sharing the store
 * rewrite it too, always by renaming a new file over it, so each request checks the file's identity
 * (inode, size, change and modification times) with one stat instead of reading and parsing it.
 * This process drops the cache whenever it writes.
 */
export class IndexCache {
  #cached: { identity: string; index: ModelIndex } | undefined;

  constructor(readonly path: string) {}

  async read(): Promise<ModelIndex> {
    // Stat before reading: if the file is replaced in between, the next stat sees a new identity.
    const stats = await stat(this.path, { bigint: true });
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

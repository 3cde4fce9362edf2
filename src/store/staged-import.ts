import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunnerError } from '../shared/errors.js';
import { hexOf } from './store-layout.js';
import { writeVerifiedFile } from './verified-file.js';

/**
 * Blobs of an import that is not committed yet. They live in a private directory inside the store
 * (same filesystem, so committing is a rename) and vanish on abort, so a failed import leaves the
 * store byte-for-byte as it was.
 */
export class StagedImport {
  readonly #staged = new Map<string, string>();
  #closed = false;

  private constructor(readonly dir: string) {}

  /** `<stagingRoot>/<owner>-<uuid>`: the owner token keeps other processes' clean-up away from it. */
  static async create(stagingRoot: string, owner: string): Promise<StagedImport> {
    const dir = join(stagingRoot, `${owner}-${randomUUID()}`);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      // Another process's clean-up may remove the empty staging root between its creation and ours.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dir, { recursive: true });
    }
    return new StagedImport(dir);
  }

  /** Writes a blob, verifying that its bytes hash to the digest it is named by. */
  async addBlob(digest: string, source: AsyncIterable<Uint8Array>): Promise<void> {
    if (this.#closed) throw new RunnerError('internal', 'import already finished');
    if (this.#staged.has(digest)) throw new RunnerError('invalid_request', `blob ${digest} appears twice`);
    const path = join(this.dir, hexOf(digest));
    await writeVerifiedFile(path, source, { digest });
    this.#staged.set(digest, path);
  }

  stagedPath(digest: string): string | undefined {
    return this.#staged.get(digest);
  }

  get digests(): string[] {
    return [...this.#staged.keys()];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await rm(this.dir, { recursive: true, force: true });
  }
}

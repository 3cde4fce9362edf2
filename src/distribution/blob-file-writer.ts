import { open, type FileHandle } from 'node:fs/promises';

const COALESCE_BYTES = 1024 * 1024;
const SYNC_EVERY_BYTES = 16 * 1024 * 1024;
const IDLE_FLUSH_MS = 50;

/**
 * Appends a download to a file about as fast as the network delivers it: chunks are gathered
 * into 1 MiB writes, one write is in flight while the next chunks arrive, and the data is
 * flushed to disk every 16 MiB in the background, so the fsync that makes the blob durable
 * before its rename has only the tail left (a single fsync at the end cost a quarter of the
 * pull's time on a 270 MB model). When the data pauses, what is gathered is written at once, so
 * a stalled or killed transfer leaves every byte it received on disk.
 */
export class BlobFileWriter {
  #parts: Uint8Array[] = [];
  #pendingBytes = 0;
  #written = 0;
  #lastSync = 0;
  #writing: Promise<unknown> = Promise.resolve();
  #syncing: Promise<unknown> = Promise.resolve();
  #lastChunk = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #failure: unknown;

  private constructor(readonly handle: FileHandle) {}

  static async open(path: string, append: boolean): Promise<BlobFileWriter> {
    return new BlobFileWriter(await open(path, append ? 'a' : 'w', 0o644));
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#parts.push(chunk);
    this.#pendingBytes += chunk.byteLength;
    this.#lastChunk = performance.now();
    if (this.#pendingBytes >= COALESCE_BYTES) await this.#flush();
    else this.#idleTimer ??= this.#armIdleFlush(IDLE_FLUSH_MS);
  }

  #armIdleFlush(delay: number): NodeJS.Timeout {
    return setTimeout(() => {
      const idle = performance.now() - this.#lastChunk;
      this.#idleTimer = idle >= IDLE_FLUSH_MS ? undefined : this.#armIdleFlush(IDLE_FLUSH_MS - idle);
      if (this.#idleTimer === undefined && this.#pendingBytes > 0) this.#flush().catch((error: unknown) => (this.#failure = error));
    }, delay);
  }

  /**
   * Queues the gathered chunks behind the write in flight (so writes land in order) and resolves
   * when that earlier write is done: one write runs while the next megabyte arrives.
   */
  #flush(): Promise<unknown> {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#parts.length === 0) return this.#writing;
    const parts = this.#parts;
    this.#written += this.#pendingBytes;
    this.#parts = [];
    this.#pendingBytes = 0;
    const previous = this.#writing;
    const writing = previous.then(() => this.handle.writev(parts));
    this.#writing = writing;
    if (this.#written - this.#lastSync >= SYNC_EVERY_BYTES) {
      this.#lastSync = this.#written;
      this.#syncing = Promise.all([this.#syncing, writing]).then(() => this.handle.datasync());
    }
    return previous;
  }

  /** Everything written and on disk; the file is closed either way. */
  async finish(): Promise<void> {
    try {
      this.#flush();
      await this.#writing;
      await this.#syncing;
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  /** Stops after a failure, keeping every byte received: a partial download resumes from them. */
  async abandon(): Promise<void> {
    try {
      this.#flush();
      await Promise.allSettled([this.#writing, this.#syncing]);
    } finally {
      await this.handle.close();
    }
  }
}

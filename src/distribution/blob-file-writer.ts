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
  /** Never rejects: a failed write or sync is kept in #failure and thrown from the next call. */
  #writing: Promise<void> = Promise.resolve();
  #syncing: Promise<void> = Promise.resolve();
  #lastChunk = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #failure: { error: unknown } | undefined;

  private constructor(readonly handle: FileHandle) {}

  static async open(path: string, append: boolean): Promise<BlobFileWriter> {
    return new BlobFileWriter(await open(path, append ? 'a' : 'w', 0o644));
  }

  #fail = (error: unknown): void => {
    this.#failure ??= { error };
  };

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#throwIfFailed();
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
      if (this.#idleTimer === undefined && this.#pendingBytes > 0) void this.#flush();
    }, delay);
  }

  /**
   * Queues the gathered chunks behind the write in flight (so writes land in order) and resolves
   * when that earlier write is done: one write runs while the next megabyte arrives.
   */
  #flush(): Promise<void> {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#parts.length === 0) return this.#writing;
    const parts = this.#parts;
    this.#written += this.#pendingBytes;
    this.#parts = [];
    this.#pendingBytes = 0;
    const previous = this.#writing;
    const writing = previous.then(async () => {
      if (!this.#failure) await this.handle.writev(parts);
    }).catch(this.#fail);
    this.#writing = writing;
    if (this.#written - this.#lastSync >= SYNC_EVERY_BYTES) {
      this.#lastSync = this.#written;
      const syncing = this.#syncing;
      this.#syncing = Promise.all([syncing, writing]).then(() => this.handle.datasync()).catch(this.#fail);
    }
    return previous;
  }

  /** Everything written and on disk; the file is closed either way. */
  async finish(): Promise<void> {
    try {
      void this.#flush();
      await this.#writing;
      await this.#syncing;
      this.#throwIfFailed();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  /** Stops after a failure, keeping every byte received: a partial download resumes from them. */
  async abandon(): Promise<void> {
    try {
      clearTimeout(this.#idleTimer);
      void this.#flush();
      await Promise.all([this.#writing, this.#syncing]);
    } finally {
      await this.handle.close();
    }
  }
}

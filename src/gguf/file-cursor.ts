import type { FileHandle } from 'node:fs/promises';
import { invalidGguf } from './invalid-gguf.js';

const CHUNK_BYTES = 64 * 1024;

/**
 * Sequential little-endian reads over a file through one reusable window, so that parsing a header
 * touches only the bytes it needs however large the file is.
 */
export class FileCursor {
  private window = Buffer.alloc(CHUNK_BYTES);
  private windowStart = 0;
  private windowLength = 0;
  private offset = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly fileSize: number,
  ) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.fileSize - this.offset;
  }

  u32(): Promise<number> {
    return this.read(4, (bytes, at) => bytes.readUInt32LE(at));
  }

  u64(): Promise<bigint> {
    return this.read(8, (bytes, at) => bytes.readBigUInt64LE(at));
  }

  /**
   * A u64 as a number, sparing the bigint allocation on hot paths such as string lengths. Exact up
   * to 2^53; larger values come back rounded, which still compares correctly against any limit.
   */
  u64AsNumber(): Promise<number> {
    return this.read(8, (bytes, at) => bytes.readUInt32LE(at) + bytes.readUInt32LE(at + 4) * 2 ** 32);
  }

  utf8(length: number): Promise<string> {
    return this.read(length, (bytes, at) => bytes.toString('utf8', at, at + length));
  }

  /** Whether the next `length` bytes are already in the window, so `readNow` can decode them without I/O. */
  has(length: number): boolean {
    return this.offset + length <= this.windowStart + this.windowLength;
  }

  /** The synchronous path of `read`, for hot loops over large arrays; the caller checked `has(length)`. */
  readNow<T>(length: number, decode: (bytes: Buffer, at: number) => T): T {
    const at = this.offset - this.windowStart;
    this.offset += length;
    return decode(this.window, at);
  }

  /** Decodes the next `length` bytes in place, sparing a copy per value. */
  async read<T>(length: number, decode: (bytes: Buffer, at: number) => T): Promise<T> {
    if (!this.has(length)) await this.refill(length);
    return this.readNow(length, decode);
  }

  private async refill(length: number): Promise<void> {
    if (length > this.remaining) throw invalidGguf(`truncated header at offset ${this.offset}`);
    if (length > this.window.length) this.window = Buffer.alloc(length);
    const wanted = Math.min(this.window.length, this.remaining);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await this.handle.read(this.window, filled, wanted - filled, this.offset + filled);
      if (bytesRead === 0) throw invalidGguf(`truncated header at offset ${this.offset + filled}`);
      filled += bytesRead;
    }
    this.windowStart = this.offset;
    this.windowLength = filled;
  }
}

/** An append-only little-endian byte buffer that grows as needed. */
export class ByteWriter {
  private buffer = Buffer.alloc(64 * 1024);
  private length = 0;

  fixed(size: number, write: (buffer: Buffer, offset: number) => void): void {
    this.reserve(size);
    write(this.buffer, this.length);
    this.length += size;
  }

  u32(value: number): void {
    this.fixed(4, (buffer, offset) => buffer.writeUInt32LE(value, offset));
  }

  u64(value: number | bigint): void {
    this.fixed(8, (buffer, offset) => buffer.writeBigUInt64LE(BigInt(value), offset));
  }

  /** GGUF strings: a u64 byte length, then UTF-8 without a terminator. */
  string(value: string): void {
    const byteLength = Buffer.byteLength(value);
    this.u64(byteLength);
    this.fixed(byteLength, (buffer, offset) => buffer.write(value, offset, 'utf8'));
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.fixed(padding, (buffer, offset) => buffer.fill(0, offset, offset + padding));
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(size: number): void {
    if (this.length + size <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + size));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

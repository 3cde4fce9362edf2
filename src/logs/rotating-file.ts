import { closeSync, existsSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';

export interface RotationLimits {
  /** A write that would take the file past this size first moves it aside. */
  maxBytes: number;
  /** Rotated files kept: `.1` (the newest) up to `.<keep>`; the oldest beyond goes. */
  keep: number;
}

/**
 * An append-only file rotated by size. Writes are synchronous: a log line is on disk, in order,
 * before the call that logged it returns, and none is lost when the process exits right after.
 */
export class RotatingFile {
  #fd: number;
  #size: number;

  constructor(
    readonly path: string,
    readonly limits: RotationLimits,
  ) {
    this.#fd = openSync(path, 'a', 0o600);
    this.#size = fstatSync(this.#fd).size;
  }

  write(text: string): void {
    const bytes = Buffer.from(text);
    if (this.#size > 0 && this.#size + bytes.byteLength > this.limits.maxBytes) this.#rotate();
    writeSync(this.#fd, bytes);
    this.#size += bytes.byteLength;
  }

  #rotate(): void {
    closeSync(this.#fd);
    for (let n = this.limits.keep - 1; n >= 1; n--) {
      if (existsSync(`${this.path}.${n}`)) renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.#fd = openSync(this.path, 'a', 0o600);
    this.#size = 0;
  }

  close(): void {
    closeSync(this.#fd);
  }
}

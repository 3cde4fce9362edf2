import { open, stat, type FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Reads a log file's complete lines, from its start and then as they are appended. When the file
 * is rotated away, the old one is read to its end first, then the new file at the same path from
 * its start (as `tail -F`), so no line is lost or read twice.
 */
export class LogCursor {
  #file: FileHandle;
  #inode: number;
  #position = 0;
  #partial = Buffer.alloc(0);

  private constructor(
    readonly path: string,
    file: FileHandle,
    inode: number,
  ) {
    this.#file = file;
    this.#inode = inode;
  }

  /** Undefined when there is no such file. */
  static async open(path: string): Promise<LogCursor | undefined> {
    try {
      const file = await open(path, 'r');
      return new LogCursor(path, file, (await file.stat()).ino);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** The complete lines written since the last call. */
  async lines(): Promise<string[]> {
    const lines = await this.#readToEnd();
    const current = await stat(this.path).catch((error: unknown) => (isMissing(error) ? undefined : Promise.reject(error)));
    if (!current || current.ino === this.#inode) return lines;
    // Rotated: what was written before the rename is in the old file; a last unterminated line ends there.
    lines.push(...(await this.#readToEnd()));
    const next = await LogCursor.open(this.path);
    if (!next) return lines;
    if (this.#partial.byteLength > 0) lines.push(this.#partial.toString('utf8'));
    await this.#file.close();
    this.#file = next.#file;
    this.#inode = next.#inode;
    this.#position = 0;
    this.#partial = Buffer.alloc(0);
    lines.push(...(await this.#readToEnd()));
    return lines;
  }

  async #readToEnd(): Promise<string[]> {
    const lines: string[] = [];
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await this.#file.read(buffer, 0, CHUNK_BYTES, this.#position);
      if (bytesRead === 0) return lines;
      this.#position += bytesRead;
      let data = Buffer.concat([this.#partial, buffer.subarray(0, bytesRead)]);
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE)) {
        lines.push(data.subarray(0, end).toString('utf8').replace(/\r$/, ''));
        data = data.subarray(end + 1);
      }
      this.#partial = Buffer.from(data);
    }
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

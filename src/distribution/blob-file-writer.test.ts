import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobFileWriter } from './blob-file-writer.js';

function chunks(bytes: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += size) parts.push(bytes.subarray(offset, offset + size));
  return parts;
}

describe('BlobFileWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blob-writer-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every chunk in order, appending to what a resumed file holds', async () => {
    const path = join(dir, 'blob');
    const data = randomBytes(5 * 1024 * 1024 + 123);
    const first = await BlobFileWriter.open(path, false);
    for (const chunk of chunks(data.subarray(0, 3_000_000), 70_000)) await first.write(chunk);
    await first.finish();
    const resumed = await BlobFileWriter.open(path, true);
    for (const chunk of chunks(data.subarray(3_000_000), 33_333)) await resumed.write(chunk);
    await resumed.finish();
    expect((await readFile(path)).equals(data)).toBe(true);
  });

  it('puts gathered bytes on disk when the data pauses, and keeps them when abandoned', async () => {
    const path = join(dir, 'blob');
    const writer = await BlobFileWriter.open(path, false);
    await writer.write(Buffer.alloc(1000, 7));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await stat(path)).size).toBe(1000);
    await writer.write(Buffer.alloc(500, 8));
    await writer.abandon();
    expect((await stat(path)).size).toBe(1500);
  });

  it('reports a full disk as a failed write instead of crashing the process', async () => {
    const writer = await BlobFileWriter.open('/dev/full', false);
    const written = (async () => {
      try {
        for (const chunk of chunks(Buffer.alloc(4 * 1024 * 1024), 64 * 1024)) await writer.write(chunk);
      } catch (error) {
        await writer.abandon();
        throw error;
      }
      await writer.finish();
    })();
    await expect(written).rejects.toThrow(/ENOSPC/);
  });
});

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const TEMP_PREFIX = '.tmp-';

/** `.tmp-<owner>-<name>-<random>`: the owner token tells other processes whose temp file it is. */
export function tempPathFor(path: string, owner: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${owner}-${basename(path)}-${randomBytes(6).toString('hex')}`);
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
export async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file so that a crash at any point leaves either the old content or the new one: temp
 * file in the same directory, fsync, rename over the target, fsync the directory.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, owner: string): Promise<void> {
  const temp = tempPathFor(path, owner);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dirname(path));
}

import { createHash } from 'node:crypto';
import { readFile, readdir, lstat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file and directory under root with a hash of its bytes: equal snapshots mean an unchanged tree. */
export async function snapshotTree(root: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  async function walk(dir: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const info = await lstat(path);
      const key = relative(root, path);
      if (info.isDirectory()) {
        snapshot[`${key}/`] = 'dir';
        await walk(path);
      } else {
        snapshot[key] = createHash('sha256').update(await readFile(path)).digest('hex');
      }
    }
  }
  await walk(root);
  return snapshot;
}

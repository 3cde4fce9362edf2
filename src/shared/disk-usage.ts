import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes used under a directory; hard-linked files (the store's bundles) count once. */
export async function diskUsage(root: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  async function walk(path: string): Promise<void> {
    const info = await lstat(path).catch(() => undefined);
    if (!info) return;
    if (info.isDirectory()) {
      for (const name of await readdir(path)) await walk(join(path, name));
      return;
    }
    const inode = `${info.dev}:${info.ino}`;
    if (seen.has(inode)) return;
    seen.add(inode);
    total += info.size;
  }
  await walk(root);
  return total;
}

import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelStore } from './model-store.js';

const logger = pino({ level: 'silent' });
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'store-cleanup-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function names(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).sort();
}

describe('opening a store shared with other processes', () => {
  it("keeps an open store's staged import while it lives, and removes it once that store is gone", async () => {
    const writer = await ModelStore.open(root, logger);
    const staged = await writer.beginImport();
    await writeFile(join(staged.dir, 'partial'), 'bytes');

    const other = await ModelStore.open(root, logger);
    expect(await names(join(root, '.staging'))).toHaveLength(1);
    await other.close();

    await writer.close();
    const later = await ModelStore.open(root, logger);
    expect(await names(root)).not.toContain('.staging');
    await later.close();
  });

  it('removes temp files and staged imports of owners without a lock, and those named before owners were', async () => {
    const leftovers = [
      join(root, 'blobs', 'sha256', `.tmp-0123456789abcdef-${'a'.repeat(64)}-0a0b0c0d0e0f`),
      join(root, `.tmp-models.json-0a0b0c0d0e0f`),
    ];
    await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
    for (const path of leftovers) await writeFile(path, '{}');
    await mkdir(join(root, '.staging', '0123456789abcdef-1c0ffee0-0000-4000-8000-000000000000'), { recursive: true });
    await mkdir(join(root, '.staging', '1c0ffee0-0000-4000-8000-000000000000'), { recursive: true });

    const store = await ModelStore.open(root, logger);
    expect((await names(root)).filter((name) => name.startsWith('.tmp-') || name === '.staging')).toEqual([]);
    expect((await names(join(root, 'blobs', 'sha256'))).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    await store.close();
  });

  it('keeps only the locks of live holders', async () => {
    const first = await ModelStore.open(root, logger);
    await writeFile(join(root, '.locks', 'blob-abc.lock'), JSON.stringify({ pid: 1, pidNamespace: 'pid:[1]' }));
    await utimes(join(root, '.locks', 'blob-abc.lock'), new Date(0), new Date(0));
    const second = await ModelStore.open(root, logger);
    expect((await names(join(root, '.locks'))).filter((name) => name.startsWith('owner-'))).toHaveLength(2);
    expect(await names(join(root, '.locks'))).not.toContain('blob-abc.lock');
    await Promise.all([first.close(), second.close()]);
    expect(await names(join(root, '.locks'))).toEqual([]);
  });
});

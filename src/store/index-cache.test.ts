import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndexCache } from './index-cache.js';
import { writeIndex } from './model-index.js';

const entry = (id: string) => ({ id, tags: [`ai/${id.slice(7, 11)}:latest`], files: [] });
const id = (n: number) => `sha256:${String(n).repeat(64)}`;

describe('IndexCache', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'index-cache-'));
    path = join(dir, 'models.json');
    await writeIndex(path, { models: [entry(id(1))] }, 'other');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers from memory while models.json is unchanged', async () => {
    const cache = new IndexCache(path);
    const first = await cache.read();
    expect(await cache.read()).toBe(first);
  });

  it('reads the new index once another process has replaced models.json', async () => {
    const cache = new IndexCache(path);
    await cache.read();
    await writeIndex(path, { models: [entry(id(1)), entry(id(2))] }, 'other');
    expect((await cache.read()).models.map((model) => model.id)).toEqual([id(1), id(2)]);
    // The same size as the first version, written again: a new file, so still seen.
    await writeIndex(path, { models: [entry(id(3))] }, 'other');
    expect((await cache.read()).models.map((model) => model.id)).toEqual([id(3)]);
  });

  it('reads the file again after a drop', async () => {
    const cache = new IndexCache(path);
    const first = await cache.read();
    cache.drop();
    const second = await cache.read();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });
});

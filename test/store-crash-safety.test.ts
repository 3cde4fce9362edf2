import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { ModelStore } from '../src/store/model-store.js';
import { generatedModel } from './helpers/models.js';
import { builtEntry } from './helpers/runner-process.js';

let root: string;

beforeAll(async () => {
  await generatedModel();
  root = await mkdtemp(join(tmpdir(), 'store-crash-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function killWriterMidway(delayMs: number): Promise<void> {
  const writer = spawn(process.execPath, [builtEntry('test/fixtures/store-writer.js'), root], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(writer.stdout, 'data');
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  writer.kill('SIGKILL');
  await once(writer, 'exit');
}

async function expectConsistent(store: ModelStore): Promise<void> {
  const models = await store.list();
  const index = JSON.parse(await readFile(join(root, 'models.json'), 'utf8'));
  expect(models.length).toBe(index.models.length);
  for (const model of models) {
    for (const descriptor of [...model.manifest.layers, model.manifest.config]) {
      expect((await stat(join(root, 'blobs/sha256', descriptor.digest.slice(7)))).size).toBe(descriptor.size);
    }
    for (const tag of model.tags) expect((await store.get(tag)).id).toBe(model.id);
  }
  for (const dir of ['', 'blobs/sha256', 'manifests/sha256']) {
    expect((await readdir(join(root, dir))).filter((name) => name.startsWith('.tmp-') || name === '.staging')).toEqual([]);
  }
}

it('a writer killed at any point leaves a store that opens and lists consistently', async () => {
  for (const delayMs of [0, 7, 23, 61, 137, 251]) {
    await killWriterMidway(delayMs);
    await expectConsistent(await ModelStore.open(root, pino({ level: 'silent' })));
  }
  expect((await ModelStore.open(root, pino({ level: 'silent' })).then((store) => store.list())).length).toBeGreaterThan(0);
});

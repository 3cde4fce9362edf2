import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { digestBytes } from '../src/distribution/file-digest.js';
import { isRunnerError } from '../src/shared/errors.js';
import { MediaType, type Manifest } from '../src/store/model-artifact.js';
import { ModelStore } from '../src/store/model-store.js';
import { importArtifact, tinyArtifact } from './helpers/models.js';
import { snapshotTree } from './helpers/tree-snapshot.js';

const logger = pino({ level: 'silent' });

async function expectError(promise: Promise<unknown>, code: string, text?: string): Promise<void> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(isRunnerError(error), `expected a RunnerError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (text) expect((error as Error).message).toContain(text);
}

describe('ModelStore', () => {
  let root: string;
  let store: ModelStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'store-test-'));
    store = await ModelStore.open(root, logger);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates DMR layout files on open', async () => {
    expect(JSON.parse(await readFile(join(root, 'layout.json'), 'utf8'))).toEqual({ version: '1.0.0' });
    expect(JSON.parse(await readFile(join(root, 'models.json'), 'utf8'))).toEqual({ models: [] });
    for (const dir of ['blobs/sha256', 'manifests/sha256', 'bundles/sha256']) await access(join(root, dir));
  });

  it('commits a model under the sha256 of its manifest and finds it by every form of its tag', async () => {
    const artifact = await tinyArtifact();
    const id = await importArtifact(store, artifact, ['smollm2']);
    expect(id).toBe(digestBytes(artifact.manifest).digest);
    expect(await readFile(join(root, 'manifests/sha256', id.slice(7)))).toEqual(Buffer.from(artifact.manifest));
    const index = JSON.parse(await readFile(join(root, 'models.json'), 'utf8'));
    expect(index.models).toEqual([{ id, tags: ['docker.io/ai/smollm2:latest'], files: artifact.blobs.map((b) => b.digest) }]);
    for (const reference of ['smollm2', 'ai/smollm2', 'ai/smollm2:latest', 'docker.io/ai/smollm2:latest', 'index.docker.io/ai/smollm2', id, id.slice(7), id.slice(7, 19)]) {
      expect((await store.get(reference)).id).toBe(id);
    }
    await expectError(store.get('ai/other'), 'not_found');
  });

  it('moves a tag from one model to another', async () => {
    const first = await importArtifact(store, await tinyArtifact({ contextSize: 512 }), ['ai/m:one']);
    const second = await importArtifact(store, await tinyArtifact({ contextSize: 1024 }), []);
    await store.tag(second, 'ai/m:one');
    expect((await store.get('ai/m:one')).id).toBe(second);
    expect((await store.get(first)).tags).toEqual([]);
  });

  it('keeps blobs another model still uses when deleting', async () => {
    const a = await tinyArtifact({ contextSize: 512 });
    const b = await tinyArtifact({ contextSize: 1024 });
    await importArtifact(store, a, ['ai/a']);
    await importArtifact(store, b, ['ai/b']);
    const gguf = a.blobs[0]!.digest;
    expect(b.blobs[0]!.digest).toBe(gguf);
    await store.delete('ai/a', false);
    await access(join(root, 'blobs/sha256', gguf.slice(7)));
    await expect(access(join(root, 'blobs/sha256', a.blobs[1]!.digest.slice(7)))).rejects.toThrow();
    await store.delete('ai/b', false);
    await expect(access(join(root, 'blobs/sha256', gguf.slice(7)))).rejects.toThrow();
    expect(JSON.parse(await readFile(join(root, 'models.json'), 'utf8'))).toEqual({ models: [] });
  });

  it('untags first and deletes by id only when forced while several tags remain', async () => {
    const id = await importArtifact(store, await tinyArtifact(), ['ai/x:one', 'ai/x:two']);
    await expectError(store.delete(id, false), 'conflict', `unable to delete "${id}" (must be forced) due to multiple tag references`);
    expect(await store.delete('ai/x:one', false)).toEqual([{ Untagged: 'docker.io/ai/x:one' }]);
    expect(await store.delete('ai/x:two', false)).toEqual([{ Untagged: 'docker.io/ai/x:two' }, { Deleted: id }]);
    await expectError(store.delete(id, false), 'not_found');
  });

  it('deletes a multiply tagged model by id when forced', async () => {
    const id = await importArtifact(store, await tinyArtifact(), ['ai/x:one', 'ai/x:two']);
    expect(await store.delete(id, true)).toEqual([
      { Untagged: 'docker.io/ai/x:one' },
      { Untagged: 'docker.io/ai/x:two' },
      { Deleted: id },
    ]);
  });

  it('falls back to the repository name only where DMR does', async () => {
    const id = await importArtifact(store, await tinyArtifact(), ['myorg/smollm2:v1']);
    await expectError(store.get('smollm2'), 'not_found');
    expect((await store.getWithPartialName('smollm2')).id).toBe(id);
    expect((await store.getWithPartialName('smollm2:v1')).id).toBe(id);
    await expectError(store.getWithPartialName('smollm2:v2'), 'not_found');
  });

  it('hard-links the GGUF into the runtime bundle', async () => {
    const artifact = await tinyArtifact();
    const id = await importArtifact(store, artifact);
    const bundle = await store.bundle(await store.get(id));
    expect(bundle.modelPath).toBe(join(root, 'bundles/sha256', id.slice(7), 'model', 'model.gguf'));
    const blob = await stat(join(root, 'blobs/sha256', artifact.blobs[0]!.digest.slice(7)));
    expect((await stat(bundle.modelPath)).ino).toBe(blob.ino);
    expect(JSON.parse(await readFile(join(bundle.dir, 'config.json'), 'utf8')).architecture).toBe('llama');
  });

  it('refuses incomplete or unsupported artifacts and stays unchanged', async () => {
    const artifact = await tinyArtifact();
    await importArtifact(store, await tinyArtifact({ contextSize: 64 }), ['ai/keep']);
    const before = await snapshotTree(root);
    const manifest = JSON.parse(Buffer.from(artifact.manifest).toString()) as Manifest;
    const wrongType = { ...manifest, config: { ...manifest.config, mediaType: 'application/vnd.oci.image.config.v1+json' } };
    const staged = await store.beginImport();
    for (const blob of artifact.blobs) await staged.addBlob(blob.digest, blob.open());
    await expectError(store.commit(Buffer.from(JSON.stringify(wrongType)), staged), 'unsupported_model', 'try upgrading: unsupported model config media type');
    const wrongSize = { ...manifest, layers: [{ ...manifest.layers[0]!, size: 1 }] };
    await expectError(store.commit(Buffer.from(JSON.stringify(wrongSize)), staged), 'invalid_model', 'the manifest says 1');
    await staged.close();
    await expectError(store.commit(artifact.manifest, undefined), 'invalid_model', 'missing');
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('refuses a blob whose bytes do not match its digest', async () => {
    const staged = await store.beginImport();
    const wrong = digestBytes(Buffer.from('other bytes')).digest;
    await expectError(staged.addBlob(wrong, [Buffer.from('these bytes')] as unknown as AsyncIterable<Uint8Array>), 'invalid_request', 'does not match its digest');
    await staged.close();
  });

  it('purges every model and starts empty', async () => {
    await importArtifact(store, await tinyArtifact(), ['ai/x']);
    await store.purge();
    expect(await store.list()).toEqual([]);
    expect(JSON.parse(await readFile(join(root, 'layout.json'), 'utf8'))).toEqual({ version: '1.0.0' });
  });

  it('skips a model whose files are damaged instead of failing the list', async () => {
    const good = await importArtifact(store, await tinyArtifact({ contextSize: 64 }), ['ai/good']);
    const bad = await importArtifact(store, await tinyArtifact({ contextSize: 128 }), ['ai/bad']);
    await writeFile(join(root, 'manifests/sha256', bad.slice(7)), '{broken');
    expect((await store.list()).map((model) => model.id)).toEqual([good]);
  });

  it('sees what another store on the same directory commits, tags and deletes after it has listed', async () => {
    const first = await importArtifact(store, await tinyArtifact({ contextSize: 64 }), ['ai/a']);
    expect((await store.list()).map((model) => model.id)).toEqual([first]);
    const other = await ModelStore.open(root, logger);
    try {
      const second = await importArtifact(other, await tinyArtifact({ contextSize: 128 }), ['ai/b']);
      expect((await store.list()).map((model) => model.id)).toEqual([first, second]);
      await other.tag(first, 'ai/b');
      expect((await store.get('ai/b')).id).toBe(first);
      await other.delete(second, true);
      await expectError(store.get(second), 'not_found');
      expect((await store.list()).map((model) => model.tags)).toEqual([['docker.io/ai/a:latest', 'docker.io/ai/b:latest']]);
    } finally {
      await other.close();
    }
  });

  it('keeps the other store\'s changes when it writes the index after them', async () => {
    const first = await importArtifact(store, await tinyArtifact({ contextSize: 64 }), ['ai/a']);
    await store.list();
    const other = await ModelStore.open(root, logger);
    try {
      const second = await importArtifact(other, await tinyArtifact({ contextSize: 128 }), ['ai/b']);
      await store.tag(first, 'ai/c');
      const index = JSON.parse(await readFile(join(root, 'models.json'), 'utf8')) as { models: { id: string }[] };
      expect(index.models.map((model) => model.id)).toEqual([first, second]);
      expect((await other.get('ai/c')).id).toBe(first);
    } finally {
      await other.close();
    }
  });

  it('records a GGUF layer with DMR media types', async () => {
    const artifact = await tinyArtifact({ contextSize: 99 });
    const id = await importArtifact(store, artifact);
    const model = await store.get(id);
    expect(model.manifest.layers.map((layer) => layer.mediaType)).toEqual([MediaType.gguf]);
    expect(model.manifest.config.mediaType).toBe(MediaType.modelConfigV01);
    expect(model.configFile.config.context_size).toBe(99);
    expect(model.configFile.rootfs?.diff_ids).toEqual([artifact.blobs[0]!.digest]);
  });
});

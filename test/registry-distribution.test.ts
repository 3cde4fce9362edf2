import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../src/api/dmr-types.js';
import { buildModelArtifact } from '../src/distribution/build-model-artifact.js';
import { preparePull } from '../src/distribution/pull-model.js';
import { preparePush, pushTarget } from '../src/distribution/push-model.js';
import { RegistryClient } from '../src/distribution/registry-client.js';
import { createLogger } from '../src/shared/logger.js';
import { parseManifest } from '../src/store/model-artifact.js';
import { ModelStore } from '../src/store/model-store.js';
import { startCountingProxy, type CountingProxy } from './helpers/counting-proxy.js';
import { generatedModel } from './helpers/models.js';
import { postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { npmRun } from './helpers/run-command.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

const registryConfig = { defaultRegistry: 'index.docker.io', insecure: false, mirrors: [], dockerConfigDir: '/nonexistent' };

function registryClient(): RegistryClient {
  return new RegistryClient({ config: registryConfig, credentials: async () => undefined });
}

async function tag(runner: RunningRunner, source: string, target: string): Promise<void> {
  const colon = target.lastIndexOf(':');
  const query = new URLSearchParams({ repo: target.slice(0, colon), tag: target.slice(colon + 1) });
  const response = await fetch(`${runner.url}/models/${source}/tag?${query}`, { method: 'POST' });
  expect(response.status).toBe(201);
}

async function push(runner: RunningRunner, reference: string): Promise<void> {
  const response = await postJson(runner, `/models/${reference}/push`, {}, { headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  const lines = await progressLines(response);
  expect(lines.at(-1)).toEqual({ type: 'success', message: 'Model pushed successfully', total: 0, layer: { size: 0, current: 0 }, mode: 'push' });
}

async function pull(runner: RunningRunner, reference: string): Promise<void> {
  const response = await postJson(runner, '/models/create', { from: reference });
  expect(response.status).toBe(200);
  expect((await progressLines(response)).at(-1)).toMatchObject({ type: 'success', mode: 'pull' });
}

async function inspect(runner: RunningRunner, reference: string): Promise<Model> {
  const response = await fetch(`${runner.url}/models/${reference}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Model;
}

describe('pull and push against a real registry', () => {
  let registry: RunningRegistry;
  let proxy: CountingProxy;
  let source: RunningRunner;
  let target: RunningRunner;

  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startCountingProxy(registry.url);
    source = await runnerWithTinyModels();
    target = await startRunner();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([source?.[Symbol.asyncDispose](), target?.[Symbol.asyncDispose](), proxy?.close()]);
    await registry?.stop();
  });

  it('pushes a packaged model and pulls it into another runner with the same id', async () => {
    const name = `${registry.host}/models/tiny:v1`;
    await tag(source, 'ai/tiny', name);
    await push(source, name);
    await pull(target, name);
    const original = await inspect(source, 'ai/tiny');
    const copy = await inspect(target, name);
    expect(copy.id).toBe(original.id);
    expect(copy.tags).toEqual([name]);
    expect(copy.config).toEqual(original.config);
  });

  it('skips blobs the registry has and mounts blobs from another repository of it', async () => {
    const first = `${proxy.host}/mount/first:v1`;
    const second = `${proxy.host}/mount/second:v1`;
    await tag(source, 'ai/tiny', first);
    await push(source, first);
    await tag(source, 'ai/tiny', second);
    proxy.requests.length = 0;
    await push(source, second);
    const mounts = proxy.requests.filter((request) => request.method === 'POST' && request.path.includes('mount='));
    expect(mounts.length).toBeGreaterThan(0);
    expect(mounts.every((request) => request.path.includes('from=mount%2Ffirst') && request.status === 201)).toBe(true);
    expect(proxy.requests.filter((request) => request.method === 'PUT' && request.path.includes('/blobs/uploads/'))).toEqual([]);

    proxy.requests.length = 0;
    await push(source, second);
    expect(proxy.requests.filter((request) => request.method === 'HEAD').every((request) => request.status === 200)).toBe(true);
    expect(proxy.requests.filter((request) => request.path.includes('mount='))).toEqual([]);
  });

  it('inspects a model in the registry without pulling it', async () => {
    const name = `${registry.host}/models/tiny:v1`;
    const fresh = await startRunner();
    try {
      const remote = await inspect(fresh, `${name}?remote=true`);
      expect(remote.id).toBe((await inspect(source, 'ai/tiny')).id);
      expect(remote.tags).toBeUndefined();
      expect(remote.config.format).toBe('gguf');
      expect(await (await fetch(`${fresh.url}/models`)).json()).toEqual([]);
      const missing = await fetch(`${fresh.url}/models/${registry.host}/models/absent:v1?remote=true`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toMatch(/^Model not found/);
    } finally {
      await fresh[Symbol.asyncDispose]();
    }
  });

  it('package --push sends the artifact straight to the registry', async () => {
    const name = `${registry.host}/packaged/tiny:v2`;
    const { stdout } = await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--context-size', '256', '--push', name], { MODEL_RUNNER_HOST: 'http://127.0.0.1:1' });
    expect(stdout).toContain(`Model pushed successfully: ${name}`);
    await pull(target, name);
    expect((await inspect(target, name)).config.context_size).toBe(256);
  });

  it('uploads large blobs in chunks that the registry reassembles', async () => {
    const artifact = await buildModelArtifact({ ggufPath: await generatedModel('tiny', 'q8_0') });
    const opens = new Map(artifact.blobs.map((blob) => [blob.digest, blob.open]));
    const source = { manifestBytes: artifact.manifest, manifest: parseManifest(artifact.manifest), open: (digest: string) => opens.get(digest)!, mountFrom: [] };
    const name = `${proxy.host}/chunked/tiny:v1`;
    proxy.requests.length = 0;
    const work = await preparePush(registryClient(), pushTarget(name), source, { chunkSize: 64 * 1024 });
    expect(await work(() => undefined, new AbortController().signal)).toBe('Model pushed successfully');
    const gguf = artifact.blobs[0]!;
    expect(proxy.requests.filter((request) => request.method === 'PATCH').length).toBe(Math.ceil(gguf.size / (64 * 1024)));
    await pull(target, name);
    expect((await inspect(target, name)).id).toBe(artifact.id);
  });

  it('refuses a pull that would not fit on the disk before downloading anything', async () => {
    const name = `${proxy.host}/models/tiny:v1`;
    await tag(source, 'ai/tiny', name);
    await push(source, name);
    const dir = await mkdtemp(join(tmpdir(), 'store-'));
    try {
      const store = await ModelStore.open(dir, createLogger('error'));
      const prepared = await preparePull({ registry: registryClient(), store, freeBytes: async () => 1024 }, name, undefined, new AbortController().signal);
      proxy.requests.length = 0;
      await expect(prepared.run(() => undefined, new AbortController().signal)).rejects.toThrow(/not enough disk space to pull .* 0\.00 MiB are free/);
      expect(proxy.requests.filter((request) => request.path.includes('/blobs/') && request.method === 'GET').length).toBe(1);
      expect(await readdir(store.layout.blobsDir)).toEqual([]);
      expect(await store.list()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('repackages a model with another context size over the same layers', async () => {
    const before = await readdir(join(source.modelsPath, 'blobs', 'sha256'));
    const response = await postJson(source, '/models/ai/tiny/repackage', { target: 'ai/tiny-short:v2', context_size: 128 });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ message: 'Model repackaged successfully as "ai/tiny-short:v2"', source: 'ai/tiny', target: 'ai/tiny-short:v2' });
    const variant = await inspect(source, 'ai/tiny-short:v2');
    expect(variant.config.context_size).toBe(128);
    expect(variant.id).not.toBe((await inspect(source, 'ai/tiny')).id);
    expect((await readdir(join(source.modelsPath, 'blobs', 'sha256'))).length).toBe(before.length + 1);

    const noTarget = await postJson(source, '/models/ai/tiny/repackage', { context_size: 128 });
    expect(noTarget.status).toBe(400);
    expect(await noTarget.text()).toBe('target is required\n');
    const unknown = await postJson(source, '/models/ai/absent/repackage', { target: 'ai/x' });
    expect(unknown.status).toBe(404);
  });

  it('pulls names without a registry from DEFAULT_REGISTRY, through a mirror when the mirror has them', async () => {
    const mirror = await startRegistry();
    const mirrorProxy = await startCountingProxy(mirror.url);
    const env = { DEFAULT_REGISTRY: proxy.host, MODEL_RUNNER_REGISTRY_MIRRORS: mirrorProxy.host };
    try {
      await tag(source, 'ai/tiny', `${registry.host}/ai/tiny-mirrored:latest`);
      await push(source, `${registry.host}/ai/tiny-mirrored:latest`);
      await using upstreamOnly = await startRunner({ env });
      proxy.requests.length = 0;
      await pull(upstreamOnly, 'tiny-mirrored');
      expect(mirrorProxy.requests.map((request) => request.status)).toContain(404);
      expect(proxy.bytesFor('/v2/ai/tiny-mirrored/blobs/')).toBeGreaterThan(0);
      expect((await inspect(upstreamOnly, 'tiny-mirrored')).tags).toEqual(['docker.io/ai/tiny-mirrored:latest']);

      await tag(source, 'ai/tiny', `${mirror.host}/ai/tiny-mirrored:latest`);
      await push(source, `${mirror.host}/ai/tiny-mirrored:latest`);
      await using mirrored = await startRunner({ env });
      proxy.requests.length = 0;
      await pull(mirrored, 'ai/tiny-mirrored');
      expect(mirrorProxy.bytesFor('/v2/ai/tiny-mirrored/blobs/')).toBeGreaterThan(0);
      expect(proxy.requests).toEqual([]);
    } finally {
      await mirrorProxy.close();
      await mirror.stop();
    }
  });

  it('runs at most two pulls at once; the next starts when one ends, and a client leaving ends its pull', async () => {
    const names = ['one', 'two', 'three'].map((suffix) => `${registry.host}/slots/${suffix}:v1`);
    const digests: string[] = [];
    for (const [i, name] of names.entries()) {
      await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0', 21 + i), '--push', name]);
      const manifest = await (await fetch(`${registry.url}/v2/${name.slice(registry.host.length + 1).replace(':v1', '')}/manifests/v1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json();
      digests.push((manifest as { layers: Array<{ digest: string }> }).layers[0]!.digest);
    }
    const viaProxy = names.map((name) => name.replace(registry.host, proxy.host));
    await using fresh = await startRunner();
    const holds = digests.slice(0, 2).map((digest) => proxy.holdAfter(`/blobs/${digest}`, 64 * 1024).held);
    const [first, second] = [new AbortController(), new AbortController()];
    const signals = [first.signal, second.signal];
    const pulls = viaProxy.map((name, i) => postJson(fresh, '/models/create', { from: name }, signals[i] ? { signal: signals[i] } : {}));
    await Promise.all(holds);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(proxy.requests.filter((request) => request.path.includes('/slots/three/'))).toEqual([]);

    first.abort();
    await pulls[0]!.catch(() => undefined);
    const third = await pulls[2]!;
    expect((await progressLines(third)).at(-1)).toMatchObject({ type: 'success' });
    expect(proxy.requests.some((request) => request.path.includes('/slots/three/manifests/'))).toBe(true);
    const listed = ((await (await fetch(`${fresh.url}/models`)).json()) as Model[]).flatMap((model) => model.tags ?? []);
    expect(listed).toEqual([viaProxy[2]]);
    second.abort();
    await pulls[1]!.catch(() => undefined);
  });

  it('pulls the model manifest an image index points to', async () => {
    const name = `${registry.host}/models/tiny:v1`;
    await tag(source, 'ai/tiny', name);
    await push(source, name);
    const id = (await inspect(source, 'ai/tiny')).id;
    const manifest = await (await fetch(`${registry.url}/v2/models/tiny/manifests/v1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).arrayBuffer();
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: id, size: manifest.byteLength }],
    };
    const put = await fetch(`${registry.url}/v2/models/tiny/manifests/indexed`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
      body: JSON.stringify(index),
    });
    expect(put.status).toBe(201);
    await using fresh = await startRunner();
    await pull(fresh, `${registry.host}/models/tiny:indexed`);
    expect((await inspect(fresh, `${registry.host}/models/tiny:indexed`)).id).toBe(id);
  });

  it('downloads a blob once when two pulls of different names share it', async () => {
    await tag(source, 'ai/tiny', `${registry.host}/shared/tiny:a`);
    await push(source, `${registry.host}/shared/tiny:a`);
    await tag(source, 'ai/tiny', `${registry.host}/shared/tiny:b`);
    await push(source, `${registry.host}/shared/tiny:b`);
    await using fresh = await startRunner();
    proxy.requests.length = 0;
    await Promise.all(['a', 'b'].map((suffix) => pull(fresh, `${proxy.host}/shared/tiny:${suffix}`)));
    const manifest = (await (await fetch(`${registry.url}/v2/shared/tiny/manifests/a`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json()) as { layers: Array<{ digest: string }> };
    for (const { digest } of manifest.layers) {
      expect(proxy.requests.filter((request) => request.method === 'GET' && request.path.endsWith(`/blobs/${digest}`))).toHaveLength(1);
    }
    expect((await inspect(fresh, `${proxy.host}/shared/tiny:a`)).id).toBe((await inspect(source, 'ai/tiny')).id);
    expect((await inspect(fresh, `${proxy.host}/shared/tiny:b`)).tags?.sort()).toEqual([`${proxy.host}/shared/tiny:a`, `${proxy.host}/shared/tiny:b`]);
  });

  it('keeps the partial weights to resume when another layer of the model turns out corrupt', async () => {
    const name = `${registry.host}/sibling/licensed:v1`;
    const dir = await mkdtemp(join(tmpdir(), 'license-'));
    try {
      await writeFile(join(dir, 'LICENSE'), 'a license that the registry will corrupt\n');
      await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0', 31), '--license', join(dir, 'LICENSE'), '--push', name]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const manifest = (await (await fetch(`${registry.url}/v2/sibling/licensed/manifests/v1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json()) as { layers: Array<{ digest: string; mediaType: string }> };
    const weights = manifest.layers.find((layer) => layer.mediaType === 'application/vnd.docker.ai.gguf.v3')!.digest;
    const license = manifest.layers.find((layer) => layer.mediaType === 'application/vnd.docker.ai.license')!.digest;
    const hex = license.slice('sha256:'.length);
    const data = join(registry.storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    const bytes = await readFile(data);
    bytes.writeUInt8(bytes.readUInt8(0) ^ 0xff, 0);
    await writeFile(data, bytes);

    await using fresh = await startRunner();
    const { held } = proxy.holdAfter(`/blobs/${weights}`, 64 * 1024);
    // The corrupt license fails the pull only after the weights' first 64 KiB are on their way, or a
    // loaded machine could fail it before the runner has read them.
    proxy.delayUntil(`/blobs/${license}`, held);
    const response = await postJson(fresh, '/models/create', { from: name.replace(registry.host, proxy.host) });
    await held;
    const lines = await progressLines(response);
    expect(lines.at(-1)).toMatchObject({ type: 'error' });
    expect(lines.at(-1)?.message).toContain(license);
    const partial = join(fresh.modelsPath, 'blobs', 'sha256', `${weights.slice('sha256:'.length)}.incomplete`);
    expect((await stat(partial)).size).toBe(64 * 1024);
    expect(await (await fetch(`${fresh.url}/models`)).json()).toEqual([]);
  });
});

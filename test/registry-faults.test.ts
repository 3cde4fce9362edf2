import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model, ProgressMessage } from '../src/api/dmr-types.js';
import { startCountingProxy, type CountingProxy } from './helpers/counting-proxy.js';
import { registryErrorBody, startFakeRegistry, type FakeRegistry } from './helpers/fake-registry.js';
import { freePort } from './helpers/free-port.js';
import { generatedModel } from './helpers/models.js';
import { postJson } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { npmRun } from './helpers/run-command.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';
import { snapshotTree } from './helpers/tree-snapshot.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const GGUF_LAYER = 'application/vnd.docker.ai.gguf.v3';
const MiB = 1024 * 1024;
/** How much of the big GGUF layer gets through before a transfer is cut. */
const HOLD_BYTES = 4 * MiB;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

interface RemoteManifest {
  config: Descriptor;
  layers: Descriptor[];
}

interface PullResult {
  status: number;
  contentType: string;
  lines: ProgressMessage[];
}

interface StoreState {
  models: unknown;
  /** models.json and everything under manifests/, by path and content hash. */
  committed: Record<string, string>;
}

const hexOf = (digest: string) => digest.replace(/^sha256:/, '');
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const blobsDir = (runner: RunningRunner) => join(runner.modelsPath, 'blobs', 'sha256');

async function pull(runner: RunningRunner, from: string, json = true): Promise<PullResult> {
  const response = await postJson(runner, '/models/create', { from }, json ? { headers: { accept: 'application/json' } } : {});
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status !== 200) return { status: response.status, contentType, lines: [] };
  return { status: response.status, contentType, lines: await progressLines(response) };
}

/** A refused pull: status, content type and the plain-text body. */
async function refusedPull(runner: RunningRunner, from: string): Promise<{ status: number; contentType: string; body: string }> {
  const response = await postJson(runner, '/models/create', { from }, { headers: { accept: 'application/json' } });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

async function storeState(runner: RunningRunner): Promise<StoreState> {
  const models: unknown = await (await fetch(`${runner.url}/models`)).json();
  const tree = await snapshotTree(runner.modelsPath);
  const committed = Object.fromEntries(Object.entries(tree).filter(([path]) => path === 'models.json' || path.startsWith('manifests/')));
  return { models, committed };
}

/** What every failed pull must leave: the same models and index, and no blob whose bytes are not its name. */
async function expectStoreUnchanged(runner: RunningRunner, before: StoreState): Promise<void> {
  expect(await storeState(runner)).toEqual(before);
  for (const name of await readdir(blobsDir(runner)).catch(() => [])) {
    if (!/^[0-9a-f]{64}$/.test(name)) continue;
    expect(sha256(await readFile(join(blobsDir(runner), name))), `blobs/sha256/${name}`).toBe(`sha256:${name}`);
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => info.size,
    () => undefined,
  );
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function remoteManifest(registry: RunningRegistry, repository: string, tag: string): Promise<RemoteManifest> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, { headers: { accept: OCI_MANIFEST } });
  expect(response.status).toBe(200);
  return (await response.json()) as RemoteManifest;
}

function ggufLayer(manifest: RemoteManifest): Descriptor {
  const layer = manifest.layers.find((candidate) => candidate.mediaType === GGUF_LAYER);
  if (!layer) throw new Error('manifest has no GGUF layer');
  return layer;
}

/** Where docker-registry's filesystem driver keeps a blob's bytes. */
function registryBlobDir(registry: RunningRegistry, digest: string): string {
  const hex = hexOf(digest);
  return join(registry.storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex);
}

/** `npm run package` into the source runner, then a push of it to the registry. */
async function packageAndPush(source: RunningRunner, reference: string, args: string[]): Promise<void> {
  await npmRun('package', [...args, reference], { MODEL_RUNNER_HOST: source.url });
  const pushed = await postJson(source, `/models/${reference}/push`, {}, { headers: { accept: 'application/json' } });
  expect(pushed.status).toBe(200);
  expect((await progressLines(pushed)).at(-1)).toMatchObject({ type: 'success', message: 'Model pushed successfully' });
}

/** Uploads a blob in one POST+PUT, the way any OCI client may. */
async function uploadBlob(registry: RunningRegistry, repository: string, bytes: Uint8Array): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes);
  const started = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  expect(started.status).toBe(202);
  const location = new URL(started.headers.get('location') ?? '', registry.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
  expect(put.status).toBe(201);
  return { digest, size: bytes.byteLength };
}

async function deleteModel(runner: RunningRunner, reference: string): Promise<void> {
  const response = await fetch(`${runner.url}/models/${reference}?force=true`, { method: 'DELETE' });
  expect([200, 404]).toContain(response.status);
}

async function modelId(runner: RunningRunner, reference: string): Promise<string> {
  const response = await fetch(`${runner.url}/models/${reference}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as Model).id;
}


const pullFailures = (runner: RunningRunner) => runner.logs.filter((line) => line.includes('"msg":"pull failed"')).length;

describe('pull faults', () => {
  let source: RunningRunner;
  let target: RunningRunner;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'registry-faults-'));
    [source, target] = await Promise.all([startRunner(), startRunner()]);
  });

  afterAll(async () => {
    await Promise.all([source?.[Symbol.asyncDispose](), target?.[Symbol.asyncDispose]()]);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  describe('against a real registry', () => {
    let registry: RunningRegistry;
    let proxy: CountingProxy;
    /** A 25 MB GGUF plus a license layer: big enough to cut mid-transfer. */
    let big: { ref: string; viaProxy: string; id: string; manifest: RemoteManifest; gguf: Descriptor };
    let corrupt: { ref: string; gguf: Descriptor };
    let missing: { ref: string; gguf: Descriptor };

    beforeAll(async () => {
      registry = await startRegistry();
      proxy = await startCountingProxy(registry.url);
      const license = join(workDir, 'LICENSE');
      await writeFile(license, 'Apache-2.0, for the fault tests\n');
      const [bigGguf, corruptGguf, missingGguf] = await Promise.all([
        generatedModel('minilm', 'q8_0'),
        generatedModel('tiny', 'q8_0', 2),
        generatedModel('tiny', 'q8_0', 3),
      ]);
      await packageAndPush(source, `${registry.host}/faults/big:v1`, ['--gguf', bigGguf, '--license', license]);
      await packageAndPush(source, `${registry.host}/faults/corrupt:v1`, ['--gguf', corruptGguf]);
      await packageAndPush(source, `${registry.host}/faults/missing:v1`, ['--gguf', missingGguf]);
      const bigManifest = await remoteManifest(registry, 'faults/big', 'v1');
      big = {
        ref: `${registry.host}/faults/big:v1`,
        viaProxy: `${proxy.host}/faults/big:v1`,
        id: await modelId(source, `${registry.host}/faults/big:v1`),
        manifest: bigManifest,
        gguf: ggufLayer(bigManifest),
      };
      expect(big.manifest.layers).toHaveLength(2);
      expect(big.gguf.size).toBeGreaterThan(4 * HOLD_BYTES);
      corrupt = { ref: `${registry.host}/faults/corrupt:v1`, gguf: ggufLayer(await remoteManifest(registry, 'faults/corrupt', 'v1')) };
      missing = { ref: `${registry.host}/faults/missing:v1`, gguf: ggufLayer(await remoteManifest(registry, 'faults/missing', 'v1')) };
    }, 120_000);

    afterAll(async () => {
      await proxy?.close();
      await registry?.stop();
    });

    it('keeps the partial blob when the registry dies mid-download and resumes it with a Range request once it is back', async () => {
      const before = await storeState(target);
      const partial = join(blobsDir(target), `${hexOf(big.gguf.digest)}.incomplete`);
      const { held } = proxy.holdAfter(`/blobs/${big.gguf.digest}`, HOLD_BYTES);
      const failing = postJson(target, '/models/create', { from: big.viaProxy }, { headers: { accept: 'application/json' } });
      let last: ProgressMessage | undefined;
      let kept = 0;
      try {
        await held;
        await waitFor('the runner to write what it was sent', async () => (await sizeOf(partial)) === HOLD_BYTES);
        await registry.kill();
        const response = await failing;
        expect(response.status).toBe(200);
        const lines = await progressLines(response);
        last = lines.at(-1);
        expect(last).toMatchObject({ type: 'error', mode: 'pull' });
        expect(last?.message).toMatch(/^Error: /);
        expect(lines.slice(0, -1).every((line) => line.type === 'progress')).toBe(true);
        await expectStoreUnchanged(target, before);
        kept = (await sizeOf(partial)) ?? 0;
        expect(kept).toBe(HOLD_BYTES);
      } finally {
        await registry.restart();
      }

      const mark = proxy.requests.length;
      const resumed = await pull(target, big.viaProxy);
      expect(resumed.lines.at(-1)).toMatchObject({ type: 'success', message: 'Model pulled successfully' });
      const ggufGets = proxy.requests.slice(mark).filter((r) => r.method === 'GET' && r.path.includes(`/blobs/${big.gguf.digest}`));
      expect(ggufGets).toMatchObject([{ range: `bytes=${kept}-`, status: 206, bodyBytes: big.gguf.size - kept }]);
      expect(await sizeOf(partial)).toBeUndefined();
      expect(await modelId(target, big.viaProxy)).toBe(big.id);
      // A clear error says which blob broke, as the digest-mismatch and missing-blob errors do, not undici's bare "terminated".
      expect(last?.message).toContain(big.gguf.digest);
    });

    it('streams raw JSON lines for Accept: application/json, HTML-escaped text otherwise, and one cached line for a model it has', async () => {
      await deleteModel(target, big.viaProxy);
      const first = await pull(target, big.ref);
      expect(first.status).toBe(200);
      expect(first.contentType).toMatch(/^application\/json/);
      const total = big.manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
      const progress = first.lines.slice(0, -1);
      expect(progress.length).toBeGreaterThan(2);
      const lastCurrent = new Map<string, number>();
      for (const line of progress) {
        expect(line).toEqual({ type: 'progress', message: expect.any(String), total, layer: { id: expect.any(String), size: expect.any(Number), current: expect.any(Number) }, mode: 'pull' });
        const layer = big.manifest.layers.find((candidate) => candidate.digest === line.layer.id);
        expect(layer, `layer ${line.layer.id}`).toBeDefined();
        expect(line.layer.size).toBe(layer?.size);
        const id = line.layer.id ?? '';
        expect(line.layer.current, `current of ${id}`).toBeGreaterThanOrEqual(lastCurrent.get(id) ?? 0);
        lastCurrent.set(id, line.layer.current);
      }
      for (const layer of big.manifest.layers) expect(lastCurrent.get(layer.digest), layer.digest).toBe(layer.size);
      expect(first.lines.at(-1)).toMatchObject({ type: 'success', message: 'Model pulled successfully', mode: 'pull' });

      const again = await postJson(target, '/models/create', { from: big.ref });
      expect(again.status).toBe(200);
      expect(again.headers.get('content-type')).toMatch(/^text\/plain/);
      const raw = await again.text();
      expect(raw).toContain('&#34;');
      expect(raw).not.toContain('"');
      const cached = raw.replace(/&#34;/g, '"').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as ProgressMessage);
      expect(cached).toHaveLength(1);
      expect(cached[0]?.type).toBe('success');
      expect(cached[0]?.message).toMatch(/^Using cached model: \S/);
    });

    it('downloads each blob once for two concurrent pulls of the same model and ends both with success', async () => {
      await deleteModel(target, big.ref);
      const mark = proxy.requests.length;
      const [one, two] = await Promise.all([pull(target, big.viaProxy), pull(target, big.viaProxy)]);
      for (const result of [one, two]) {
        expect(result.status).toBe(200);
        expect(result.lines.at(-1)).toMatchObject({ type: 'success', message: 'Model pulled successfully' });
      }
      const blobGets = proxy.requests.slice(mark).filter((r) => r.method === 'GET' && r.path.includes('/blobs/')).map((r) => r.path.slice(r.path.lastIndexOf('/') + 1));
      expect(blobGets.sort()).toEqual([big.manifest.config, ...big.manifest.layers].map((d) => d.digest).sort());
      expect(await modelId(target, big.viaProxy)).toBe(big.id);
    });

    it('stops a pull whose only client disconnected, keeping a partial blob that the next pull resumes', async () => {
      await deleteModel(target, big.viaProxy);
      const before = await storeState(target);
      const partial = join(blobsDir(target), `${hexOf(big.gguf.digest)}.incomplete`);
      const failures = pullFailures(target);
      const { held } = proxy.holdAfter(`/blobs/${big.gguf.digest}`, HOLD_BYTES);
      const client = new AbortController();
      const response = await postJson(target, '/models/create', { from: big.viaProxy }, { headers: { accept: 'application/json' }, signal: client.signal });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes('\n')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
      expect(JSON.parse(text.slice(0, text.indexOf('\n')))).toMatchObject({ type: 'progress', mode: 'pull' });
      await held;
      // Everything the proxy let through is on disk: the transfer is stalled, not merely slow.
      await waitFor('the runner to write what it was sent', async () => (await sizeOf(partial)) === HOLD_BYTES);
      client.abort();
      await reader.read().catch(() => undefined);
      const abortedAt = Date.now();
      // Waits past the runner's 30 s stall timeout, so what follows is checked even when cancellation comes late.
      await waitFor('the abandoned pull to stop', () => pullFailures(target) > failures, 40_000);
      const stoppedAfterMs = Date.now() - abortedAt;
      await expectStoreUnchanged(target, before);
      const kept = (await sizeOf(partial)) ?? 0;
      expect(kept).toBe(HOLD_BYTES);

      const mark = proxy.requests.length;
      const resumed = await pull(target, big.viaProxy);
      expect(resumed.lines.at(-1)).toMatchObject({ type: 'success', message: 'Model pulled successfully' });
      const ggufGets = proxy.requests.slice(mark).filter((r) => r.method === 'GET' && r.path.includes(`/blobs/${big.gguf.digest}`));
      expect(ggufGets).toMatchObject([{ range: `bytes=${kept}-`, status: 206, bodyBytes: big.gguf.size - kept }]);
      expect(await modelId(target, big.viaProxy)).toBe(big.id);
      // The pull stops when its last client leaves, not when the stalled registry finally times out.
      expect(stoppedAfterMs, 'ms from the client leaving to the pull stopping').toBeLessThan(5_000);
    }, 60_000);

    it('rejects a blob whose bytes do not match its digest, naming it and keeping nothing of it', async () => {
      const data = join(registryBlobDir(registry, corrupt.gguf.digest), 'data');
      const bytes = await readFile(data);
      for (const offset of [0, bytes.length >> 1, bytes.length - 1]) bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
      await writeFile(data, bytes);
      expect(bytes.length).toBe(corrupt.gguf.size);
      const before = await storeState(target);

      const result = await pull(target, corrupt.ref);
      expect(result.status).toBe(200);
      const last = result.lines.at(-1);
      expect(last?.type).toBe('error');
      expect(last?.message).toMatch(/^Error: /);
      expect(last?.message).toContain(corrupt.gguf.digest);
      await expectStoreUnchanged(target, before);
      const hex = hexOf(corrupt.gguf.digest);
      expect(await sizeOf(join(blobsDir(target), hex))).toBeUndefined();
      expect(await sizeOf(join(blobsDir(target), `${hex}.incomplete`))).toBeUndefined();
    });

    it('reports a layer the registry no longer has, naming the blob, and commits nothing', async () => {
      await rm(registryBlobDir(registry, missing.gguf.digest), { recursive: true });
      const before = await storeState(target);

      const result = await pull(target, missing.ref);
      expect(result.status).toBe(200);
      const last = result.lines.at(-1);
      expect(last?.type).toBe('error');
      expect(last?.message).toMatch(/^Error: /);
      expect(last?.message).toContain(missing.gguf.digest);
      await expectStoreUnchanged(target, before);
      expect(await sizeOf(join(blobsDir(target), `${hexOf(missing.gguf.digest)}.incomplete`))).toBeUndefined();
    });

    it('refuses a container image config with 422 before streaming anything', async () => {
      const repository = 'faults/image';
      const layer = { mediaType: GGUF_LAYER, ...(await uploadBlob(registry, repository, Buffer.from('not a model'))) };
      const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] } }));
      const config = { mediaType: 'application/vnd.oci.image.config.v1+json', ...(await uploadBlob(registry, repository, configBytes)) };
      const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
      const put = await fetch(`${registry.url}/v2/${repository}/manifests/v1`, { method: 'PUT', headers: { 'content-type': OCI_MANIFEST }, body: manifest });
      expect(put.status).toBe(201);
      const before = await storeState(target);

      const refused = await refusedPull(target, `${registry.host}/${repository}:v1`);
      expect(refused.status).toBe(422);
      expect(refused.contentType).toMatch(/^text\/plain/);
      expect(refused.body).toContain('application/vnd.oci.image.config.v1+json');
      expect(refused.body.trim()).toMatch(/try upgrading: unsupported model config media type$/);
      await expectStoreUnchanged(target, before);
    });

    it.each([
      ['port 1', async () => '127.0.0.1:1'],
      ['a port nothing listens on', async () => `127.0.0.1:${await freePort()}`],
    ])('answers 500 naming the host when the registry cannot be reached (%s)', async (_, host) => {
      const registryHost = await host();
      const before = await storeState(target);
      const refused = await refusedPull(target, `${registryHost}/x/y:z`);
      expect(refused.status).toBe(500);
      expect(refused.contentType).toMatch(/^text\/plain/);
      expect(refused.body).toContain(`registry ${registryHost}`);
      await expectStoreUnchanged(target, before);
    });
  });

  describe('against a stub registry', () => {
    let stub: FakeRegistry;

    beforeAll(async () => {
      stub = await startFakeRegistry();
    });

    afterAll(async () => {
      await stub?.close();
    });

    const hugeManifest = () => {
      const digest = `sha256:${'a'.repeat(64)}`;
      const manifest = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.docker.ai.model.config.v0.1+json', digest, size: 2 },
        layers: [{ mediaType: GGUF_LAYER, digest, size: 2 }],
        annotations: { padding: 'x'.repeat(4 * MiB) },
      };
      return JSON.stringify(manifest);
    };

    it.each([
      ['with its size declared', false],
      ['sent chunked', true],
    ])('refuses a manifest larger than 4 MiB %s, before streaming anything', async (_, chunked) => {
      const path = `/v2/faults/huge-${chunked ? 'chunked' : 'declared'}/manifests/v1`;
      stub.answer(path, { status: 200, headers: { 'content-type': OCI_MANIFEST }, body: hugeManifest(), chunked });
      const before = await storeState(target);
      const refused = await refusedPull(target, `${stub.host}${path.replace('/v2/', '/').replace('/manifests/', ':')}`);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.contentType).toMatch(/^text\/plain/);
      expect(refused.body).toMatch(/larger than (the )?4194304/);
      await expectStoreUnchanged(target, before);
      expect(stub.requests.filter((request) => request.includes('/blobs/'))).toEqual([]);
    });

    it("answers 500 with the registry's own error when the registry fails", async () => {
      stub.answer('/v2/faults/broken/manifests/v1', { status: 500, headers: { 'content-type': 'application/json' }, body: registryErrorBody('UNKNOWN', 'storage backend exploded') });
      const before = await storeState(target);
      const refused = await refusedPull(target, `${stub.host}/faults/broken:v1`);
      expect(refused.status).toBe(500);
      expect(refused.contentType).toMatch(/^text\/plain/);
      expect(refused.body).toContain('storage backend exploded');
      await expectStoreUnchanged(target, before);
    });

    it('answers 404 Model not found when the registry does not know the manifest', async () => {
      stub.answer('/v2/faults/absent/manifests/v1', { status: 404, headers: { 'content-type': 'application/json' }, body: registryErrorBody('MANIFEST_UNKNOWN', 'manifest unknown') });
      const before = await storeState(target);
      const refused = await refusedPull(target, `${stub.host}/faults/absent:v1`);
      expect(refused.status).toBe(404);
      expect(refused.contentType).toMatch(/^text\/plain/);
      expect(refused.body).toMatch(/^Model not found/);
      expect(refused.body).toContain('MANIFEST_UNKNOWN');
      await expectStoreUnchanged(target, before);
    });
  });
});

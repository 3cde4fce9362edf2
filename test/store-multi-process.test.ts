import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packModelArchive } from '../src/distribution/model-tar.js';
import { startCountingProxy, type CountingProxy } from './helpers/counting-proxy.js';
import { generatedModel, tinyArtifact } from './helpers/models.js';
import { postJson } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { npmRun } from './helpers/run-command.js';
import { builtEntry, startRunner, type RunningRunner } from './helpers/runner-process.js';
import { startThrottledRelay, type ThrottledRelay } from './helpers/throttled-relay.js';

/** The tiny model's weights take about 2.5 s through the relay: long enough for runners to overlap. */
const BYTES_PER_SECOND = 100 * 1024;

let registry: RunningRegistry;
/** Runners pull from `relay.host`: the relay paces the counting proxy's answers, the proxy records what the registry sent. */
let proxy: CountingProxy;
let relay: ThrottledRelay;
let ggufDigest: string;
let ggufSize: number;
let modelsPath: string;

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startCountingProxy(registry.url);
  relay = await startThrottledRelay(proxy.url, BYTES_PER_SECOND);
  const gguf = await generatedModel('tiny', 'q8_0');
  await npmRun('package', ['--gguf', gguf, '--push', `${registry.host}/ai/tiny`]);
  const bytes = await readFile(gguf);
  ggufDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  ggufSize = bytes.length;
}, 120_000);

afterAll(async () => {
  await relay?.close();
  await proxy?.close();
  await registry?.stop();
});

afterEach(async () => {
  await rm(modelsPath, { recursive: true, force: true });
});

async function freshStore(): Promise<string> {
  modelsPath = await mkdtemp(join(tmpdir(), 'shared-store-'));
  return modelsPath;
}

async function pull(runner: RunningRunner, reference: string): Promise<void> {
  const response = await postJson(runner, '/models/create', { from: reference });
  expect(response.status).toBe(200);
  const last = (await progressLines(response)).at(-1);
  expect(last, JSON.stringify(last)).toMatchObject({ type: 'success', mode: 'pull' });
}

/** Every file name of the store tree, relative to its root. */
async function storeFiles(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).map(String).sort();
}

/** One index entry per model, every blob named by its sha256, and nothing half-written left. */
async function expectIntact(root: string, models: number): Promise<void> {
  const index = JSON.parse(await readFile(join(root, 'models.json'), 'utf8')) as { models: Array<{ id: string; files: string[] }> };
  expect(index.models).toHaveLength(models);
  expect(new Set(index.models.map((model) => model.id)).size).toBe(models);
  const blobsDir = join(root, 'blobs', 'sha256');
  for (const name of await readdir(blobsDir)) {
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(createHash('sha256').update(await readFile(join(blobsDir, name))).digest('hex')).toBe(name);
  }
  for (const model of index.models) for (const file of model.files) await stat(join(blobsDir, file.slice('sha256:'.length)));
  expect((await storeFiles(root)).filter((name) => /\.incomplete$|\.tmp-|\.staging\/./.test(name))).toEqual([]);
}

describe('runners sharing one models directory', () => {
  it('pull the same model at once without corrupting it, downloading its weights once', async () => {
    const root = await freshStore();
    await using first = await startRunner({ modelsPath: root });
    await using second = await startRunner({ modelsPath: root });
    const name = `${relay.host}/ai/tiny:latest`;
    proxy.requests.length = 0;
    await Promise.all([pull(first, name), pull(second, name)]);

    await expectIntact(root, 1);
    expect(proxy.bytesFor(`/blobs/${ggufDigest}`)).toBe(ggufSize);
    for (const runner of [first, second]) {
      const listed = (await (await fetch(`${runner.url}/models`)).json()) as Array<{ tags: string[] }>;
      expect(listed.map((model) => model.tags)).toEqual([[name]]);
    }
  });

  it('leave the staged import and the download in flight in another runner alone when they start', async () => {
    const root = await freshStore();
    await using first = await startRunner({ modelsPath: root });
    // Slow enough that the pull is still running once the third runner is up.
    relay.bytesPerSecond = BYTES_PER_SECOND / 3;
    const pulling = pull(first, `${relay.host}/ai/tiny:latest`).finally(() => (relay.bytesPerSecond = BYTES_PER_SECOND));
    const archive = await archiveOf();
    const load = request(`${first.url}/models/load`, { method: 'POST', headers: { 'content-length': archive.length } });
    const answered = once(load, 'response');
    load.write(archive.subarray(0, archive.length / 2));
    await waitFor(async () => (await readdir(join(root, '.staging')).catch(() => [])).length > 0);
    await waitFor(async () => (await storeFiles(root)).some((file) => file.endsWith('.incomplete')));
    const inFlight = (await storeFiles(root)).filter((file) => /\.incomplete$|^\.staging\/./.test(file));

    await using third = await startRunner({ modelsPath: root });
    expect((await storeFiles(root)).filter((file) => inFlight.includes(file))).toEqual(inFlight);
    load.end(archive.subarray(archive.length / 2));
    const [response] = (await answered) as [IncomingMessage];
    expect(response.statusCode).toBe(200);
    await pulling;
    const listed = (await (await fetch(`${third.url}/models`)).json()) as unknown[];
    expect(listed).toHaveLength(2);
    await expectIntact(root, 2);
  });
});

describe('processes sharing one store', () => {
  it('commit concurrently without losing an index update', async () => {
    const root = await freshStore();
    const importers = [100, 200, 300].map((base) => spawn(process.execPath, [builtEntry('test/fixtures/store-importer.js'), root, String(base), '4'], { stdio: ['ignore', 'inherit', 'inherit'] }));
    const codes = await Promise.all(importers.map(async (child) => (await once(child, 'exit'))[0]));
    expect(codes).toEqual([0, 0, 0]);
    const index = JSON.parse(await readFile(join(root, 'models.json'), 'utf8')) as { models: Array<{ tags: string[] }> };
    expect(index.models.flatMap((model) => model.tags).sort()).toEqual([100, 101, 102, 103, 200, 201, 202, 203, 300, 301, 302, 303].map((i) => `docker.io/ai/m${i}:latest`).sort());
    await expectIntact(root, 12);
  });

  const unshare = spawnSync('unshare', ['--pid', '--fork', '--kill-child', 'true']).status === 0;

  it.skipIf(!unshare)('take over, after the stale time, a download whose runner was killed in another PID namespace', async () => {
    const root = await freshStore();
    // Lays out the store and gets the weights half written, holding their lock: a runner killed mid-pull.
    await using runner = await startRunner({ modelsPath: root });
    const half = Math.floor(ggufSize / 2);
    const holder = spawn('unshare', ['--pid', '--fork', '--kill-child', process.execPath, builtEntry('test/fixtures/store-blob-holder.js'), root, ggufDigest, await generatedModel('tiny', 'q8_0'), String(half)], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(holder.stdout!, 'data');
      proxy.requests.length = 0;
      let done = false;
      const pulling = pull(runner, `${relay.host}/ai/tiny:latest`).finally(() => (done = true));
      await sleep(4000);
      expect(done).toBe(false);
      expect((await stat(join(root, 'blobs', 'sha256', `${ggufDigest.slice(7)}.incomplete`))).size).toBe(half);

      await kill(holder);
      const killed = Date.now();
      await pulling;
      // The lock was touched at most a quarter of the 10 s stale time before the kill.
      expect(Date.now() - killed).toBeGreaterThan(6000);
      const gets = proxy.requests.filter((request) => request.method === 'GET' && request.path.endsWith(`/blobs/${ggufDigest}`));
      expect(gets).toMatchObject([{ range: `bytes=${half}-`, bodyBytes: ggufSize - half }]);
      await expectIntact(root, 1);
    } finally {
      await kill(holder);
    }
  }, 60_000);
});

/** A model archive for `/models/load` of another model than the registry's (same weights, another config). */
async function archiveOf(): Promise<Buffer> {
  const artifact = await tinyArtifact({ contextSize: 77 });
  const chunks: Uint8Array[] = [];
  for await (const chunk of packModelArchive(artifact.blobs, artifact.manifest)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

#!/usr/bin/env node
/**
 * `npm run bench:pull`: how fast the runner pulls the generated SmolLM2-135M F16 model (~270 MB)
 * from a local Debian docker-registry, against `curl` downloading the same blob from the same
 * registry to a file, and against curl followed by `sync --data` on that file (a download made
 * durable, as a pull's blobs are before the model is committed). One runner pulls `--repeat`
 * times, deleting the model in between; the first (cold) and best runs are reported.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { buildModelArtifact } from '../src/distribution/build-model-artifact.js';
import { preparePush, pushTarget } from '../src/distribution/push-model.js';
import { RegistryClient } from '../src/distribution/registry-client.js';
import { benchModel } from './bench-model.js';
import { packageInfo } from '../src/shared/package-root.js';
import { parseManifest } from '../src/store/model-artifact.js';
import { startRegistry } from '../test/helpers/registry-server.js';
import { startOurRunner } from './bench-servers.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '3' } } });
const repeat = Number(values.repeat);

const run = promisify(execFile);

/** Each measurement starts with the disk idle: writeback left by the previous one would be charged to the next. */
async function settle(): Promise<void> {
  await run('sync');
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

async function curlSeconds(url: string, out: string, durable: boolean): Promise<number> {
  const started = performance.now();
  await run('curl', ['-sf', '-o', out, url]);
  if (durable) await run('sync', ['--data', out]);
  const seconds = (performance.now() - started) / 1000;
  await rm(out, { force: true });
  return seconds;
}

async function pullSeconds(port: number, reference: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/models/create`, { method: 'POST', headers: { accept: 'application/json' }, body: JSON.stringify({ from: reference }) });
  const text = await response.text();
  const seconds = (performance.now() - started) / 1000;
  if (!text.trimEnd().split('\n').at(-1)?.includes('"success"')) throw new Error(`pull failed: ${text.slice(-500)}`);
  const deleted = await fetch(`http://127.0.0.1:${port}/models/${reference}?force=true`, { method: 'DELETE' });
  if (!deleted.ok) throw new Error(`delete failed: ${await deleted.text()}`);
  return seconds;
}

const modelPath = await benchModel('f16');
await using registry = await startRegistry();
const reference = `${registry.host}/bench/smollm2:f16`;
const artifact = await buildModelArtifact({ ggufPath: modelPath });
const opens = new Map(artifact.blobs.map((blob) => [blob.digest, blob.open]));
const manifest = parseManifest(artifact.manifest);
const client = new RegistryClient({ config: { defaultRegistry: 'index.docker.io', insecure: false, mirrors: [], dockerConfigDir: tmpdir() }, credentials: async () => undefined });
const push = await preparePush(client, pushTarget(reference), { manifestBytes: artifact.manifest, manifest, open: (digest) => opens.get(digest)!, mountFrom: [] }, {});
await push(() => undefined, new AbortController().signal);

const weights = manifest.layers[0]!;
const total = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
const store = await mkdtemp(join(tmpdir(), 'bench-pull-'));
const { child, port } = await startOurRunner(join(packageInfo().root, 'dist', 'src', 'main.js'), { MODEL_RUNNER_PORT: '0', MODEL_RUNNER_SOCK: '', MODELS_PATH: store, LOG_LEVEL: 'info' });
const runs: Record<'curl' | 'durable' | 'ours', number[]> = { curl: [], durable: [], ours: [] };
try {
  const blobUrl = `${registry.url}/v2/bench/smollm2/blobs/${weights.digest}`;
  const out = join(tmpdir(), `bench-curl-${process.pid}`);
  for (let i = 0; i < repeat; i++) {
    await settle();
    runs.curl.push(await curlSeconds(blobUrl, out, false));
    await settle();
    runs.durable.push(await curlSeconds(blobUrl, out, true));
    await settle();
    runs.ours.push(await pullSeconds(port, reference));
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await rm(store, { recursive: true, force: true });
}
const mbps = (bytes: number, seconds: number) => bytes / seconds / 1e6;
const curl = mbps(weights.size, Math.min(...runs.curl));
const durable = mbps(weights.size, Math.min(...runs.durable));
const ours = mbps(total, Math.min(...runs.ours));
const first = mbps(total, runs.ours[0]!);
const f = (n: number) => n.toFixed(0);
process.stdout.write(
  [
    `| model | bytes | curl MB/s | curl + sync --data MB/s | ours MB/s (best / first pull) | ratio to curl | ratio to curl + sync |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
    `| smollm2-135m F16 | ${total} | ${f(curl)} | ${f(durable)} | ${f(ours)} / ${f(first)} | ${(ours / curl).toFixed(2)} | ${(ours / durable).toFixed(2)} |`,
    '',
    `runs (s): ${Object.entries(runs).map(([name, seconds]) => `${name} ${seconds.map((s) => s.toFixed(2)).join(', ')}`).join('; ')}`,
  ].join('\n') + '\n',
);

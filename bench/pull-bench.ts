#!/usr/bin/env node
/**
 * `npm run bench:pull`: how fast the runner pulls the generated SmolLM2-135M F16 model (~270 MB)
 * from a local Debian docker-registry, against `curl` downloading the same blob from the same
 * registry to a file. Each side runs `--repeat` times; the best run of each is compared.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { buildModelArtifact } from '../src/distribution/build-model-artifact.js';
import { preparePush, pushTarget } from '../src/distribution/push-model.js';
import { RegistryClient } from '../src/distribution/registry-client.js';
import { makeModel } from '../src/gguf/make-model.js';
import { packageInfo } from '../src/shared/package-root.js';
import { parseManifest } from '../src/store/model-artifact.js';
import { startRegistry } from '../test/helpers/registry-server.js';
import { startOurRunner } from './bench-servers.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '3' } } });
const repeat = Number(values.repeat);
const cache = process.env.MODEL_RUNNER_CACHE ?? join(homedir(), '.cache', 'model-runner');

async function benchModel(): Promise<string> {
  const path = join(cache, 'models', 'smollm2-135m-f16.gguf');
  if (!existsSync(path)) {
    await mkdir(join(cache, 'models'), { recursive: true });
    process.stderr.write(`generating ${path}\n`);
    await makeModel({ preset: 'smollm2-135m', type: 'f16', out: path });
  }
  return path;
}

async function curlSeconds(url: string, out: string): Promise<number> {
  const { stdout } = await promisify(execFile)('curl', ['-sf', '-o', out, '-w', '%{time_total}', url]);
  await rm(out, { force: true });
  return Number(stdout);
}

async function pullSeconds(entry: string, reference: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-pull-'));
  const { child, port } = await startOurRunner(entry, { MODEL_RUNNER_PORT: '0', MODEL_RUNNER_SOCK: '', MODELS_PATH: dir, LOG_LEVEL: 'info' });
  try {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/models/create`, { method: 'POST', headers: { accept: 'application/json' }, body: JSON.stringify({ from: reference }) });
    const text = await response.text();
    const seconds = (performance.now() - started) / 1000;
    if (!text.trimEnd().split('\n').at(-1)?.includes('"success"')) throw new Error(`pull failed: ${text.slice(-500)}`);
    return seconds;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

const modelPath = await benchModel();
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
const entry = join(packageInfo().root, 'dist', 'src', 'main.js');
const curlRuns: number[] = [];
const ourRuns: number[] = [];
for (let i = 0; i < repeat; i++) {
  curlRuns.push(await curlSeconds(`${registry.url}/v2/bench/smollm2/blobs/${weights.digest}`, join(tmpdir(), `bench-curl-${process.pid}`)));
  ourRuns.push(await pullSeconds(entry, reference));
}
const mbps = (bytes: number, seconds: number) => bytes / seconds / 1e6;
const curlBest = mbps(weights.size, Math.min(...curlRuns));
const oursBest = mbps(total, Math.min(...ourRuns));
process.stdout.write(
  [
    `| model | bytes | curl MB/s (blob to file) | ours MB/s (whole pull) | ratio |`,
    `| --- | ---: | ---: | ---: | ---: |`,
    `| smollm2-135m F16 | ${total} | ${curlBest.toFixed(0)} | ${oursBest.toFixed(0)} | ${(oursBest / curlBest).toFixed(2)} |`,
    '',
    `runs (s): curl ${curlRuns.map((s) => s.toFixed(2)).join(', ')}; ours ${ourRuns.map((s) => s.toFixed(2)).join(', ')}`,
  ].join('\n') + '\n',
);

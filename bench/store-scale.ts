#!/usr/bin/env node
/**
 * `node dist/bench/store-scale.js [--models 1000] [--entry dist/src/main.js]`: how long `GET /models`,
 * `GET /models/{name}` and a one-token chat request take with many models in the store. The models
 * share one tiny GGUF (each has its own config, so its own manifest and id); one of them is served.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { buildModelArtifact } from '../src/distribution/build-model-artifact.js';
import { packageInfo } from '../src/shared/package-root.js';
import { ModelStore } from '../src/store/model-store.js';
import { benchModel } from './bench-model.js';
import { startOurRunner } from './bench-servers.js';
import { percentile } from './openai-load.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '50' },
    entry: { type: 'string', default: join(packageInfo().root, 'dist', 'src', 'main.js') },
  },
});

async function fillStore(root: string, count: number): Promise<void> {
  const store = await ModelStore.open(root, pino({ level: 'silent' }));
  const ggufPath = await benchModel('q8_0', 'tiny');
  for (let i = 0; i < count; i++) {
    const artifact = await buildModelArtifact({ ggufPath, contextSize: 256 + i, created: new Date('2026-01-01T00:00:00Z') });
    const staged = await store.beginImport();
    try {
      for (const blob of artifact.blobs) await staged.addBlob(blob.digest, blob.open());
      await store.commit(artifact.manifest, staged, [`bench/model-${i}:latest`]);
    } finally {
      await staged.close();
    }
  }
  await store.close();
}

async function timed(label: string, times: number, request: () => Promise<Response>): Promise<string> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const response = await request();
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${label}: HTTP ${response.status}`);
    samples.push(performance.now() - started);
  }
  const f = (p: number) => percentile(samples, p).toFixed(1);
  return `| ${label} | ${f(0.5)} | ${f(0.95)} | ${f(0)}–${f(1)} |`;
}

const count = Number(values.models);
const times = Number(values.requests);
const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
try {
  const started = performance.now();
  await fillStore(dir, count);
  process.stderr.write(`stored ${count} models in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const env = { MODEL_RUNNER_PORT: '0', MODEL_RUNNER_SOCK: '', MODELS_PATH: dir, MODEL_RUNNER_THREADS: '1', LOG_LEVEL: 'info' };
  const { child, port } = await startOurRunner(resolve(values.entry), env);
  const base = `http://127.0.0.1:${port}`;
  const chat = () =>
    fetch(`${base}/engines/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: `bench/model-${count - 1}`, messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 }),
    });
  try {
    await (await chat()).arrayBuffer();
    const rows = [
      await timed('GET /models', times, () => fetch(`${base}/models`)),
      await timed(`GET /models/bench/model-${count - 1}`, times, () => fetch(`${base}/models/bench/model-${count - 1}`)),
      await timed('chat, 1 token', times, chat),
    ];
    process.stdout.write(`${count} models in the store, ${times} requests each, one at a time (ms):\n\n| request | p50 | p95 | min–max |\n| --- | ---: | ---: | ---: |\n${rows.join('\n')}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

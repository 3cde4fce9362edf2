#!/usr/bin/env node
/**
 * `npm run bench`: our runner against llama.cpp's own llama-server (built from the source
 * node-llama-cpp bundles) on the same generated SmolLM2-135M-shape Q8_0 model, same threads, same
 * parallel slots; N concurrent streaming clients, 128 tokens each with EOS ignored.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs, promisify } from 'node:util';
import { RunnerClient } from '../src/api/runner-client.js';
import { buildModelArtifact } from '../src/distribution/build-model-artifact.js';
import { packModelArchive } from '../src/distribution/model-tar.js';
import { benchModel } from './bench-model.js';
import { packageInfo } from '../src/shared/package-root.js';
import { ourRunner, startLlamaServer, startOurRunner, type BenchServer } from './bench-servers.js';
import { measure, type WaveResult } from './openai-load.js';

const PROMPT =
  'Write a long, detailed story about a lighthouse keeper who discovers a message in a bottle. ' +
  "Describe the weather, the sea, and the keeper's thoughts in detail.";

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '1,4,8' },
    tokens: { type: 'string', default: '128' },
    threads: { type: 'string', default: String(availableParallelism()) },
    repeat: { type: 'string', default: '2' },
    'context-per-slot': { type: 'string', default: '1024' },
  },
});
const concurrencies = values.concurrency.split(',').map(Number);
const parallel = Math.max(...concurrencies);
const threads = Number(values.threads);
const contextPerSlot = Number(values['context-per-slot']);
const root = packageInfo().root;

async function llamaServerBinary(): Promise<string> {
  process.stderr.write('building llama-server from the bundled llama.cpp source if needed (10+ minutes the first time)\n');
  const { stdout } = await promisify(execFile)(join(root, 'scripts', 'build-llama-server.sh'), { maxBuffer: 64 * 2 ** 20 });
  return stdout.trim().split('\n').at(-1) ?? '';
}

async function run(server: BenchServer, model: string): Promise<{ waves: WaveResult[]; rss: Record<string, number> }> {
  try {
    const waves = await measure({ baseUrl: server.baseUrl, model, prompt: PROMPT, tokens: Number(values.tokens) }, concurrencies, Number(values.repeat));
    return { waves, rss: await server.peakRssMiB() };
  } finally {
    await server.stop();
  }
}

async function ours(modelPath: string): Promise<{ waves: WaveResult[]; rss: Record<string, number> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-runner-'));
  try {
    const env = { MODEL_RUNNER_PORT: '0', MODEL_RUNNER_SOCK: '', MODELS_PATH: dir, MODEL_RUNNER_PARALLEL: String(parallel), MODEL_RUNNER_THREADS: String(threads), LOG_LEVEL: 'info' };
    const { child, port } = await startOurRunner(join(root, 'dist', 'src', 'main.js'), env);
    const client = new RunnerClient(`http://127.0.0.1:${port}`);
    const artifact = await buildModelArtifact({ ggufPath: modelPath, contextSize: contextPerSlot });
    await client.loadArchive(Readable.toWeb(Readable.from(packModelArchive(artifact.blobs, artifact.manifest))) as ReadableStream<Uint8Array>);
    await client.tagModel(artifact.id, 'bench/smollm2', 'q8_0');
    return await run(ourRunner(child, port), 'bench/smollm2:q8_0');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function table(our: { waves: WaveResult[]; rss: Record<string, number> }, their: { waves: WaveResult[]; rss: Record<string, number> }): string {
  const lines = ['| clients | ours tok/s | llama-server tok/s | ratio | ours TTFT p50 / p95 ms | llama-server TTFT p50 / p95 ms |', '| ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const [i, mine] of our.waves.entries()) {
    const theirs = their.waves[i]!;
    const f = (n: number) => n.toFixed(1);
    lines.push(`| ${mine.concurrency} | ${f(mine.tokensPerSecond)} | ${f(theirs.tokensPerSecond)} | ${(mine.tokensPerSecond / theirs.tokensPerSecond).toFixed(2)} | ${f(mine.ttftP50Ms)} / ${f(mine.ttftP95Ms)} | ${f(theirs.ttftP50Ms)} / ${f(theirs.ttftP95Ms)} |`);
  }
  const rss = (values: Record<string, number>) => Object.entries(values).map(([name, mib]) => `${name} ${mib} MiB`).join(', ');
  lines.push('', `Peak RSS: ours ${rss(our.rss)}; llama-server ${rss(their.rss)}.`);
  return lines.join('\n');
}

const modelPath = await benchModel('q8_0');
const binary = await llamaServerBinary();
process.stderr.write(`model ${modelPath}, ${threads} threads, ${parallel} slots of ${contextPerSlot} tokens, ${values.tokens} tokens per client\n`);
const theirs = await run(await startLlamaServer(binary, modelPath, { port: 18080 + (process.pid % 1000), threads, parallel, contextPerSlot }), 'smollm2');
const our = await ours(modelPath);
process.stdout.write(`${table(our, theirs)}\n`);

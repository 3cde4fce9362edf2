#!/usr/bin/env node
/**
 * `npm run bench:embedding-floor -- [--rounds 3] [--requests 100]`: how much of a one-input
 * embedding request is our runner and how much is the design it runs in. Round after round, in
 * rotating order, it times sequential requests of the benchmark's sentences against:
 * - our runner;
 * - the leanest server of the same design: node's own HTTP server parsing the JSON body and calling
 *   our worker over gRPC, with no routing, store, lease, recording or metrics;
 * - the same with the worker's engine (LlamaEngine) in a child process behind a plain Unix socket,
 *   one JSON line each way (socket-engine.ts): a second process without gRPC;
 * - the same without the worker process: node's HTTP server calling the engine in-process, so the
 *   difference is the hop between the processes;
 * - llama-server --embeddings;
 * - node's HTTP server answering a fixed JSON body, no model: the HTTP round trip alone.
 * It prints each one's p50 per request, median and spread over the rounds. The npm script runs it
 * with one libuv pool thread, as every worker runs, since the in-process engine decodes on that
 * thread: with node's default four, libgomp makes a team per calling thread and stops spinning.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startWorkerEngine } from '../src/engine/client/worker-engine.js';
import type { Engine } from '../src/engine/engine.js';
import { embeddingData } from '../src/server/openai/openai-bodies.js';
import { createLogger } from '../src/shared/logger.js';
import { packageInfo } from '../src/shared/package-root.js';
import { benchModel } from './bench-model.js';
import { summarise } from './bench-report.js';
import { EMBED_TEXTS } from './bench-round.js';
import { built, startLlamaServer, startOurServer, using, type BenchServer } from './bench-servers.js';
import { percentile, post } from './openai-load.js';
import { FLOOR_THREADS as threads, loadFloorEngine } from './socket-engine.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, requests: { type: 'string', default: '100' } } });
const rounds = Number(values.rounds);
const requests = Number(values.requests);

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A node HTTP server answering every POST with `answer(body)` as JSON. */
async function nodeServer(name: string, answer: (body: string) => Promise<unknown>, stop: () => Promise<void>): Promise<BenchServer> {
  const server = createServer((request, response) => {
    void bodyOf(request)
      .then(answer)
      .then((value) => {
        const json = JSON.stringify(value);
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        response.end(json);
      })
      .catch((error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error.message);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spawnedAt: undefined,
    peakRssMiB: async () => ({}),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await stop();
    },
  };
}

/** An OpenAI embeddings answer to a body's `input`, as our runner words it. */
function embeddingsAnswer(embed: (inputs: string[]) => Promise<{ vectors: number[][] }>): (body: string) => Promise<unknown> {
  return async (body) => {
    const { input } = JSON.parse(body) as { input: string | string[] };
    const { vectors } = await embed(typeof input === 'string' ? [input] : input);
    return { object: 'list', data: embeddingData(vectors, 'float') };
  };
}

/** Node's HTTP server, our worker behind it over gRPC, and nothing else. */
async function leanServer(modelPath: string): Promise<BenchServer> {
  const socketDir = await mkdtemp(join(tmpdir(), 'floor-'));
  const engine: Engine = await startWorkerEngine(
    { name: 'minilm', modelPath, mode: 'embedding', contextSize: 512, parallel: 1, gpu: 'off', threads, chatTemplatePath: undefined },
    { socketDir, log: createLogger('error'), logLevel: 'error' },
  );
  return nodeServer(
    'node http + gRPC worker',
    embeddingsAnswer((inputs) => engine.embed(inputs, new AbortController().signal)),
    async () => {
      await engine.close();
      await rm(socketDir, { recursive: true, force: true });
    },
  );
}

/** Node's HTTP server and the worker's engine in the same process. */
async function inProcessServer(modelPath: string): Promise<BenchServer> {
  const engine = await loadFloorEngine(modelPath);
  return nodeServer(
    'node http + engine in-process',
    embeddingsAnswer((inputs) => engine.embed(inputs)),
    () => engine.close(),
  );
}

/** Node's HTTP server and the worker's engine in a child process behind a plain socket (socket-engine.ts). */
async function plainSocketServer(modelPath: string): Promise<BenchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'floor-'));
  const socketPath = join(dir, 'engine.sock');
  const child = fork(fileURLToPath(new URL('./socket-engine.js', import.meta.url)), [socketPath, modelPath], { env: { ...process.env, UV_THREADPOOL_SIZE: '1' } });
  await once(child, 'message');
  const socket = connect(socketPath);
  const waiting = new Map<number, { resolve(answer: { vectors: number[][] }): void; reject(error: Error): void }>();
  let lastId = 0;
  createInterface({ input: socket }).on('line', (line) => {
    const { id, vectors, error } = JSON.parse(line) as { id: number; vectors?: number[][]; error?: string };
    if (vectors) waiting.get(id)?.resolve({ vectors });
    else waiting.get(id)?.reject(new Error(`the engine behind the socket failed: ${error}`));
    waiting.delete(id);
  });
  // 'close' follows an error and fails the waiting requests.
  socket.on('error', () => undefined);
  socket.on('close', () => {
    for (const { reject } of waiting.values()) reject(new Error("the engine's process closed its socket"));
    waiting.clear();
  });
  const embed = (inputs: string[]) =>
    new Promise<{ vectors: number[][] }>((resolve, reject) => {
      const id = ++lastId;
      waiting.set(id, { resolve, reject });
      socket.write(`${JSON.stringify({ id, inputs })}\n`);
    });
  return nodeServer('node http + engine behind a plain socket', embeddingsAnswer(embed), async () => {
    socket.destroy();
    child.disconnect();
    await once(child, 'exit');
    await rm(dir, { recursive: true, force: true });
  });
}

const echo = () => nodeServer('node http echo, no model', async () => ({ object: 'list', data: [] }), async () => undefined);

/** p50 of one-input requests, in ms, after a few to warm up. */
async function requestP50(server: BenchServer, model: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < requests + 3; i++) {
    const started = performance.now();
    const response = await post(`${server.baseUrl}/embeddings`, { model, input: EMBED_TEXTS[i % EMBED_TEXTS.length] });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${server.name}: HTTP ${response.status}`);
    if (i >= 3) times.push(performance.now() - started);
  }
  return percentile(times, 0.5);
}

const modelPath = await benchModel('f16', 'minilm');
const binary = await built('build-llama-server.sh', 'llama-server');
process.stderr.write(`node-llama-cpp: ${await built('build-llama-addon.sh', "node-llama-cpp's addon")}\n`);
const entry = join(packageInfo().root, 'dist', 'src', 'main.js');
const port = 18080 + (process.pid % 1000);
const contenders: [string, () => Promise<BenchServer>, string][] = [
  ['our runner', () => startOurServer({ entry, threads, parallel: 1, models: { 'bench/minilm:f16': { ggufPath: modelPath, contextSize: 512 } } }), 'bench/minilm:f16'],
  ['node http + gRPC worker', () => leanServer(modelPath), 'minilm'],
  ['node http + engine behind a plain socket', () => plainSocketServer(modelPath), 'minilm'],
  ['node http + engine in-process', () => inProcessServer(modelPath), 'minilm'],
  ['llama-server', () => startLlamaServer({ binary, model: modelPath, port, threads, extraArgs: ['--embeddings'] }), 'minilm'],
  ['node http echo, no model', echo, 'none'],
];
const results = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (let turn = 0; turn < contenders.length; turn++) {
    const [name, start, model] = contenders[(round + turn) % contenders.length]!;
    const p50 = await using(await start(), (server) => requestP50(server, model));
    process.stderr.write(`round ${round + 1}/${rounds}: ${name} ${p50.toFixed(2)} ms\n`);
    results.get(name)!.push(p50);
  }
}

process.stdout.write(`${new Date().toISOString().slice(0, 10)}: ${rounds} rotating rounds of ${requests} one-input embedding requests (minilm F16, ${threads} threads)\n\n`);
process.stdout.write('| server | p50 ms per request: median (min–max) |\n| --- | ---: |\n');
for (const [name, values] of results) {
  const { median, min, max } = summarise(values);
  process.stdout.write(`| ${name} | ${median.toFixed(2)} (${min.toFixed(2)}–${max.toFixed(2)}) |\n`);
}

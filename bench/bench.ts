#!/usr/bin/env node
/**
 * `npm run bench`: our runner against llama.cpp's own llama-server (built from the source
 * node-llama-cpp bundles) on the same generated models, same threads, same parallel slots. Each
 * round runs both, in alternating order, so a machine that slows down for a while hurts both;
 * the report gives each figure's median over the rounds and its spread.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageInfo } from '../src/shared/package-root.js';
import { benchModel } from './bench-model.js';
import { chatRound, embeddingRound, type Figures } from './bench-round.js';
import { reportTable } from './bench-report.js';
import { built, startLlamaServer, startOurServer, using } from './bench-servers.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,4,8,16' },
    parallel: { type: 'string', default: '8' },
    tokens: { type: 'string', default: '128' },
    threads: { type: 'string', default: String(availableParallelism()) },
    'context-per-slot': { type: 'string', default: '1024' },
    'ttft-requests': { type: 'string', default: '10' },
    'warm-up-streams': { type: 'string', default: '8' },
    'warm-up-requests': { type: 'string', default: '500' },
    'embedding-requests': { type: 'string', default: '8' },
    only: { type: 'string', default: 'chat,embeddings' },
  },
});
const rounds = Number(values.rounds);
const threads = Number(values.threads);
const parallel = Number(values.parallel);
const contextPerSlot = Number(values['context-per-slot']);
const sections = new Set(values.only.split(','));
const root = packageInfo().root;
const entry = join(root, 'dist', 'src', 'main.js');
const port = 18080 + (process.pid % 1000);

const chatModel = await benchModel('q8_0');
const embedModel = await benchModel('f16', 'minilm');
const binary = await built('build-llama-server.sh', 'llama-server');
// Ours is measured as `npm run build:llama` leaves it: node-llama-cpp's addon from the same source, native, with OpenMP.
const ourBuild = await built('build-llama-addon.sh', "node-llama-cpp's addon");
process.stderr.write(`node-llama-cpp: ${ourBuild}\n`);
process.stderr.write(`${rounds} rounds, ${threads} threads, ${parallel} slots of ${contextPerSlot} tokens, ${values.tokens} tokens per request, clients ${values.concurrency}\n`);

const warmUp = { streams: Number(values['warm-up-streams']), requests: Number(values['warm-up-requests']) };
const chat = { model: 'bench/smollm2:q8_0', concurrencies: values.concurrency.split(',').map(Number), tokens: Number(values.tokens), ttftRequests: Number(values['ttft-requests']), warmUp };
const results: Record<'ours' | 'theirs', Figures[]> = { ours: [], theirs: [] };

async function ours(): Promise<Figures> {
  const models = { [chat.model]: { ggufPath: chatModel, contextSize: contextPerSlot }, 'bench/minilm:f16': { ggufPath: embedModel, contextSize: 512 } };
  return using(await startOurServer({ entry, threads, parallel, models }), async (server) => ({
    ...(sections.has('chat') ? await chatRound(server, chat) : {}),
    ...(sections.has('embeddings') ? await embeddingRound(server, 'bench/minilm:f16', Number(values['embedding-requests']), warmUp) : {}),
  }));
}

async function theirs(): Promise<Figures> {
  const chatArgs = ['--parallel', String(parallel), '-c', String(contextPerSlot * parallel)];
  const figures = sections.has('chat') ? await using(await startLlamaServer({ binary, model: chatModel, port, threads, extraArgs: chatArgs }), (server) => chatRound(server, { ...chat, model: 'smollm2' })) : {};
  if (!sections.has('embeddings')) return figures;
  const embedding = await startLlamaServer({ binary, model: embedModel, port, threads, extraArgs: ['--embeddings'] });
  return { ...figures, ...(await using(embedding, (server) => embeddingRound(server, 'minilm', Number(values['embedding-requests']), warmUp))) };
}

for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const);
  for (const side of order) {
    process.stderr.write(`round ${round + 1}/${rounds}: ${side === 'ours' ? 'ours' : 'llama-server'}\n`);
    const figures = side === 'ours' ? await ours() : await theirs();
    process.stderr.write(`${JSON.stringify(figures)}\n`);
    results[side].push(figures);
  }
}

const date = new Date().toISOString().slice(0, 10);
process.stdout.write(`${date}: ${rounds} alternating rounds, both llama.cpp builds from the same source (native, OpenMP), ${threads} threads, ${parallel} slots of ${contextPerSlot} tokens, ${values.tokens} tokens per streamed chat request (ignore_eos), embeddings of the minilm preset (F16).\n\n`);
process.stdout.write(`${reportTable(results.ours, results.theirs)}\n`);

/** One round of the benchmark against one server: every figure the report compares. */
import type { BenchServer } from './bench-servers.js';
import { embeddingRate, firstTokenTimes, runWave, streamOnce, type LoadOptions } from './openai-load.js';

export const SHORT_PROMPT =
  'Write a long, detailed story about a lighthouse keeper who discovers a message in a bottle. ' +
  "Describe the weather, the sea, and the keeper's thoughts in detail.";

/** About 1,000 tokens with the generated SmolLM2-shape model's tokenizer (about 20 a sentence). */
export const LONG_PROMPT = Array.from({ length: 48 }, (_, i) => `Note ${i}: the tide rose and the lamp turned.`).join(' ');

/** The sentences every embedding figure embeds. */
export const EMBED_TEXTS = Array.from({ length: 64 }, (_, i) => `Sentence number ${i} about lighthouses, tides, storms and the keepers who watch over ships at night.`);

/** Figure name -> value; higher is better for rates, lower for times and memory. */
export type Figures = Record<string, number>;

export interface ChatRoundOptions {
  model: string;
  concurrencies: readonly number[];
  tokens: number;
  ttftRequests: number;
  warmUp: WarmUp;
}

/**
 * What both servers are sent, one request at a time, between their fresh-server figures and the
 * rest, which are a server left running. A JIT server runs code it has not optimized yet for its
 * first thousands of tokens and hundreds of requests; llama-server has nothing to warm.
 */
export interface WarmUp {
  /** Full-length chat requests (the per-token path). */
  streams: number;
  /** One-token chat requests, or one-input embedding requests (the per-request path). */
  requests: number;
}

export async function chatRound(server: BenchServer, options: ChatRoundOptions): Promise<Figures> {
  const load: LoadOptions = { baseUrl: server.baseUrl, model: options.model, prompt: SHORT_PROMPT, tokens: options.tokens };
  const figures: Figures = {};
  const requested = performance.now();
  const first = await streamOnce({ ...load, tokens: 4 }, 1);
  figures['cold start ms'] = requested + first.ttftMs - (server.spawnedAt ?? requested);
  figures['tok/s, 1 client, fresh server'] = (await runWave(load, 1)).tokensPerSecond;
  figures['TTFT p50 ms, 1 client, fresh server'] = (await firstTokenTimes(load, options.ttftRequests, 'cached')).p50;
  for (let request = 0; request < options.warmUp.streams; request++) await streamOnce(load, request);
  for (let request = 0; request < options.warmUp.requests; request++) await streamOnce({ ...load, tokens: 1 }, request);
  for (const concurrency of options.concurrencies) {
    const wave = await runWave(load, concurrency);
    const clients = concurrency === 1 ? '1 client' : `${concurrency} clients`;
    figures[`tok/s, ${clients}`] = wave.tokensPerSecond;
    // A wave's p50 is over its clients; one client's wave is one request, so its p50 is over requests
    // of the same cached prompt, one at a time.
    figures[`TTFT p50 ms, ${clients}`] = concurrency === 1 ? (await firstTokenTimes(load, options.ttftRequests, 'cached')).p50 : wave.ttftP50Ms;
  }
  const short = await firstTokenTimes(load, options.ttftRequests, 'numbered');
  figures['short prompt tokens'] = short.promptTokens;
  figures['TTFT p50 ms, short prompt'] = short.p50;
  figures['TTFT p95 ms, short prompt'] = short.p95;
  const long = await firstTokenTimes({ ...load, prompt: LONG_PROMPT }, options.ttftRequests, 'numbered');
  figures['long prompt tokens'] = long.promptTokens;
  figures['TTFT p50 ms, 1,000-token prompt'] = long.p50;
  figures['TTFT p95 ms, 1,000-token prompt'] = long.p95;
  const rss = await server.peakRssMiB();
  figures['peak RSS MiB'] = Object.values(rss).reduce((sum, mib) => sum + mib, 0);
  return figures;
}

export async function embeddingRound(server: BenchServer, model: string, requests: number, warmUp: WarmUp): Promise<Figures> {
  await embeddingRate(server.baseUrl, model, EMBED_TEXTS, 1, warmUp.requests);
  return {
    'embeddings/s, batch 1': await embeddingRate(server.baseUrl, model, EMBED_TEXTS, 1, requests * 16),
    'embeddings/s, batch 32': await embeddingRate(server.baseUrl, model, EMBED_TEXTS, 32, requests),
  };
}

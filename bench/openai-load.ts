/** Drives an OpenAI-compatible server with concurrent streaming clients and measures what they see. */
import { sseData } from '../src/api/sse-data.js';
import { textLines } from '../src/shared/text-lines.js';

export interface StreamResult {
  tokens: number;
  ttftMs: number;
  totalMs: number;
}

export interface WaveResult {
  concurrency: number;
  tokensPerSecond: number;
  ttftP50Ms: number;
  ttftP95Ms: number;
}

export interface LoadOptions {
  /** Base URL up to and including `/v1`. */
  baseUrl: string;
  model: string;
  prompt: string;
  tokens: number;
}

/** A kept-alive connection the server closed just as it was reused fails before any response; once more is fair. */
async function post(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, init).catch(() => fetch(url, init));
}

export async function streamOnce(options: LoadOptions, seed: number): Promise<StreamResult> {
  const started = performance.now();
  const response = await post(`${options.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: options.model,
      messages: [{ role: 'user', content: options.prompt }],
      max_tokens: options.tokens,
      temperature: 0,
      seed,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  let firstToken: number | undefined;
  let tokens = 0;
  for await (const data of sseData(textLines(response.body), () => undefined)) {
    const chunk = JSON.parse(data) as { error?: unknown; usage?: { completion_tokens: number }; choices?: { delta?: { content?: string } }[] };
    if (chunk.error) throw new Error(JSON.stringify(chunk.error));
    if (chunk.choices?.[0]?.delta?.content) firstToken ??= performance.now();
    if (chunk.usage) tokens = chunk.usage.completion_tokens;
  }
  const ended = performance.now();
  return { tokens, ttftMs: (firstToken ?? ended) - started, totalMs: ended - started };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] ?? NaN;
}

export async function runWave(options: LoadOptions, concurrency: number): Promise<WaveResult> {
  const started = performance.now();
  const streams = await Promise.all(Array.from({ length: concurrency }, (_, i) => streamOnce(options, 42 + i)));
  const seconds = (performance.now() - started) / 1000;
  const ttfts = streams.map((stream) => stream.ttftMs);
  return {
    concurrency,
    tokensPerSecond: streams.reduce((sum, stream) => sum + stream.tokens, 0) / seconds,
    ttftP50Ms: percentile(ttfts, 0.5),
    ttftP95Ms: percentile(ttfts, 0.95),
  };
}

/** Best of `repeat` waves per concurrency, after one warm-up request. */
export async function measure(options: LoadOptions, concurrencies: readonly number[], repeat: number): Promise<WaveResult[]> {
  await streamOnce({ ...options, tokens: 16 }, 1);
  const results: WaveResult[] = [];
  for (const concurrency of concurrencies) {
    const waves: WaveResult[] = [];
    for (let i = 0; i < repeat; i++) waves.push(await runWave(options, concurrency));
    results.push(waves.reduce((best, wave) => (wave.tokensPerSecond > best.tokensPerSecond ? wave : best)));
  }
  return results;
}

/** Drives an OpenAI-compatible server with concurrent streaming clients and measures what they see. */
import { sseData } from '../src/api/sse-data.js';
import { textLines } from '../src/shared/text-lines.js';

export interface StreamResult {
  promptTokens: number;
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

/** No request of the benchmark takes this long: a server that stops answering fails the run rather than hanging it. */
const REQUEST_TIMEOUT_MS = 120_000;

/** A kept-alive connection the server closed just as it was reused fails before any response; once more is fair. */
export async function post(url: string, body: unknown): Promise<Response> {
  const init = (): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return fetch(url, init()).catch((error: unknown) => {
    if ((error as Error).name === 'TimeoutError') throw new Error(`${url}: no answer in ${REQUEST_TIMEOUT_MS / 1000} s`);
    return fetch(url, init());
  });
}

export async function streamOnce(options: LoadOptions, seed: number): Promise<StreamResult> {
  const started = performance.now();
  const response = await post(`${options.baseUrl}/chat/completions`, {
    model: options.model,
    messages: [{ role: 'user', content: options.prompt }],
    max_tokens: options.tokens,
    temperature: 0,
    seed,
    ignore_eos: true,
    stream: true,
    stream_options: { include_usage: true },
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  let firstToken: number | undefined;
  let tokens = 0;
  let promptTokens = 0;
  for await (const data of sseData(textLines(response.body), () => undefined)) {
    const chunk = JSON.parse(data) as { error?: unknown; usage?: { prompt_tokens: number; completion_tokens: number }; choices?: { delta?: { content?: string } }[] };
    if (chunk.error) throw new Error(JSON.stringify(chunk.error));
    if (chunk.choices?.[0]?.delta?.content) firstToken ??= performance.now();
    if (chunk.usage) ({ prompt_tokens: promptTokens, completion_tokens: tokens } = chunk.usage);
  }
  const ended = performance.now();
  return { promptTokens, tokens, ttftMs: (firstToken ?? ended) - started, totalMs: ended - started };
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

/**
 * Time to first token of one client at a time. A `numbered` prompt starts with the request's own
 * number, so no server can answer it from the previous request's cached prefix; a `cached` one is
 * the same every time, so only its last token is evaluated.
 */
export async function firstTokenTimes(options: LoadOptions, requests: number, prompts: 'numbered' | 'cached'): Promise<{ p50: number; p95: number; promptTokens: number }> {
  const streams: StreamResult[] = [];
  for (let i = 0; i < requests; i++) {
    const prompt = prompts === 'numbered' ? `${1000 + i}. ${options.prompt}` : options.prompt;
    streams.push(await streamOnce({ ...options, prompt, tokens: 4 }, i));
  }
  const times = streams.map((stream) => stream.ttftMs);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), promptTokens: streams[0]?.promptTokens ?? 0 };
}

/** Embeddings per second over `requests` sequential requests of `batch` inputs each. */
export async function embeddingRate(baseUrl: string, model: string, texts: readonly string[], batch: number, requests: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const input = Array.from({ length: batch }, (_, j) => texts[(i * batch + j) % texts.length]!);
    const response = await post(`${baseUrl}/embeddings`, { model, input });
    const body = (await response.json()) as { data?: unknown[] };
    if (!response.ok || body.data?.length !== batch) throw new Error(`embeddings: HTTP ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return (batch * requests) / ((performance.now() - started) / 1000);
}

/** The soak's clients: each request kind, what answers it may get, and what it did get. */

export type RequestKind = 'stream' | 'chat' | 'embed' | 'impatient' | 'bad' | 'burst';

export interface Outcome {
  kind: RequestKind;
  /** HTTP status, or what happened instead of one. */
  status: number | 'left' | 'hang' | 'network';
  ms: number;
  /** Set when the outcome breaks the soak's rules. */
  problem?: string;
}

export interface SoakTarget {
  url: string;
  chatModels: readonly string[];
  embeddingModel: string;
  /** Requests one model takes at once, running and queued; a burst goes beyond it. */
  capacity: number;
}

/** Any request still unanswered after this is a hang. */
const HANG_MS = 120_000;

export type Random = () => number;

/** mulberry32: a seeded generator, so a soak's mix of requests can be replayed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

interface Call {
  path: string;
  body: string;
  stream: boolean;
}

const chatCall = (model: string, maxTokens: number, stream: boolean): Call => ({
  path: '/engines/v1/chat/completions',
  body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Tell me about the sea.' }], max_tokens: maxTokens, stream }),
  stream,
});

/** Bodies a client gets wrong; each must be refused with a 4xx and change nothing. */
function badCall(target: SoakTarget, random: Random): Call {
  const model = pick(random, target.chatModels);
  const bodies: Array<[string, string]> = [
    ['/engines/v1/chat/completions', '{"model":'],
    ['/engines/v1/chat/completions', JSON.stringify({ model })],
    ['/engines/v1/chat/completions', JSON.stringify({ model, messages: [] })],
    ['/engines/v1/chat/completions', JSON.stringify({ model: 'ai/no-such-model', messages: [{ role: 'user', content: 'hi' }] })],
    ['/engines/v1/chat/completions', JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 'many' })],
    ['/engines/v1/embeddings', JSON.stringify({ model: target.embeddingModel, input: 5 })],
    ['/models/create', JSON.stringify({ from: '' })],
    ['/engines/unload', '[]'],
  ];
  const [path, body] = pick(random, bodies);
  return { path, body, stream: false };
}

/** Reads a response to its end; for an event stream, checks it ended with `[DONE]` and carried no error. */
async function readAnswer(response: Response, stream: boolean): Promise<string | undefined> {
  const text = await response.text();
  if (!stream || response.status !== 200) return undefined;
  if (text.includes('"error"')) return `stream carried an error: ${text.slice(text.indexOf('"error"'), 300)}`;
  if (!text.trimEnd().endsWith('data: [DONE]')) return 'stream ended without [DONE]';
  return undefined;
}

async function send(target: SoakTarget, kind: RequestKind, call: Call, leaveAfterMs?: number): Promise<Outcome> {
  const started = performance.now();
  const leaving = new AbortController();
  const timers = [setTimeout(() => leaving.abort('hang'), HANG_MS)];
  if (leaveAfterMs !== undefined) timers.push(setTimeout(() => leaving.abort('left'), leaveAfterMs));
  const outcome = (status: Outcome['status'], problem?: string): Outcome => ({
    kind,
    status,
    ms: performance.now() - started,
    ...(problem ? { problem } : {}),
  });
  try {
    const response = await fetch(`${target.url}${call.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: call.body,
      signal: leaving.signal,
    });
    const broken = await readAnswer(response, call.stream);
    return outcome(response.status, broken ?? judge(kind, response.status));
  } catch (error) {
    if (leaving.signal.reason === 'left') return outcome('left');
    if (leaving.signal.reason === 'hang') return outcome('hang', `no answer within ${HANG_MS} ms`);
    return outcome('network', `request failed: ${(error as Error).message}`);
  } finally {
    timers.forEach(clearTimeout);
  }
}

/** 200, a 4xx for bad input only, or 503 for overload; anything else is a problem. */
function judge(kind: RequestKind, status: number): string | undefined {
  if (kind === 'bad') return status >= 400 && status < 500 ? undefined : `bad input answered ${status}`;
  return status === 200 || status === 503 ? undefined : `answered ${status}`;
}

/** One client's next request, drawn from the soak's mix. */
export async function nextRequest(target: SoakTarget, random: Random): Promise<Outcome[]> {
  const draw = random();
  const model = pick(random, target.chatModels);
  const tokens = 8 + Math.floor(random() * 56);
  if (draw < 0.3) return [await send(target, 'stream', chatCall(model, tokens, true))];
  if (draw < 0.45) return [await send(target, 'chat', chatCall(model, tokens, false))];
  if (draw < 0.6) {
    const input = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) => `soak sentence ${i} ${random()}`);
    return [await send(target, 'embed', { path: '/engines/v1/embeddings', body: JSON.stringify({ model: target.embeddingModel, input }), stream: false })];
  }
  if (draw < 0.82) return [await send(target, 'impatient', chatCall(model, tokens, random() < 0.7), 20 + random() * 900)];
  if (draw < 0.97) return [await send(target, 'bad', badCall(target, random))];
  const burst = Array.from({ length: target.capacity + 4 }, () => send(target, 'burst', chatCall(model, 8, false)));
  return Promise.all(burst);
}

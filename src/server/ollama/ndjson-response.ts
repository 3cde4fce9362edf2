import type { Logger } from '../../shared/logger.js';
import { asRunnerError, ollamaErrorBody } from '../render-error.js';
import { streamBody } from '../stream-body.js';

const line = (payload: unknown) => Buffer.from(`${JSON.stringify(payload)}\n`);

async function* lines(first: unknown, rest: AsyncIterator<unknown>, log: Logger): AsyncGenerator<Uint8Array> {
  try {
    yield line(first);
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield line(next.value);
  } catch (error) {
    yield line(ollamaErrorBody(asRunnerError(error, log)));
  } finally {
    await rest.return?.();
  }
}

/**
 * Ollama's stream: one JSON object a line (`application/x-ndjson`). The first object is awaited
 * before the answer starts, so a failure that comes before it (a prompt too long, a bad grammar)
 * still gets its status and Ollama's error body; a later one can only travel as an
 * `{"error": …}` line, which Ollama's clients raise.
 */
export async function ndjsonResponse(payloads: AsyncIterable<unknown>, log: Logger): Promise<Response> {
  const iterator = payloads[Symbol.asyncIterator]();
  const first = await iterator.next();
  const body = first.done ? (async function* () {})() : lines(first.value, iterator, log);
  return new Response(streamBody(body), { headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' } });
}

import type { Context } from 'hono';
import { once } from '../shared/once.js';
import { isStreamed, streamBody } from './stream-body.js';

async function* passThrough(body: ReadableStream<Uint8Array>, onChunk: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    onChunk(chunk);
    yield chunk;
  }
}

/**
 * The streamed `response` with its body watched on the way out: each chunk is shown to `onChunk`,
 * and `onEnd` runs once, when the body has been sent, fails or is cancelled (a client that left).
 * Cancelling the new body cancels the original, so what it holds is let go.
 */
export function watchedStream(response: Response, onEnd: () => void, onChunk?: (chunk: Uint8Array) => void): Response {
  const body = response.body!;
  return new Response(streamBody(onChunk ? passThrough(body, onChunk) : body, once(onEnd)), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Watches the context's response on its way out. A streamed body is wrapped (`watchedStream`). A
 * complete body is left in memory as its handler made it, which @hono/node-server sends in one
 * write with its Content-Length; it is read only when `onChunk` wants it, and then replaced by the
 * same bytes, and `onEnd` runs at once.
 */
export async function observeResponse(c: Context, onEnd: () => void, onChunk?: (chunk: Uint8Array) => void): Promise<void> {
  const response = c.res;
  if (isStreamed(response)) {
    c.res = watchedStream(response, onEnd, onChunk);
    return;
  }
  if (onChunk) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onChunk(bytes);
    // Hono's setter, given a response while it holds one, rebuilds the new one around its body as a
    // stream; cleared first, it keeps the bytes, which go out in one write.
    c.res = undefined;
    c.res = new Response(bytes.byteLength > 0 ? bytes : null, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  onEnd();
}

import { once } from '../shared/once.js';
import { streamBody } from './stream-body.js';

async function* passThrough(body: ReadableStream<Uint8Array>, onChunk: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    onChunk(chunk);
    yield chunk;
  }
}

/**
 * The response with its body watched on the way out: each chunk is shown to `onChunk`, and
 * `onEnd` runs once, when the body has been sent, fails or is cancelled (a client that left).
 * Cancelling the new body cancels the original, so what it holds (a lease) is let go as before.
 */
export function observedResponse(response: Response, onEnd: () => void, onChunk: (chunk: Uint8Array) => void = () => undefined): Response {
  if (!response.body) {
    onEnd();
    return response;
  }
  const body = streamBody(passThrough(response.body, onChunk), once(onEnd));
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

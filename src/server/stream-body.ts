import { Readable } from 'node:stream';

/**
 * Route handlers produce AsyncIterables; this is the one place they become a web body. Chunks are
 * read on demand. When the client goes away the iterator is closed with `return()`, so the
 * source's `finally` blocks run; nothing is enqueued after that. `onEnd` runs once the body has
 * ended, failed or been cancelled.
 */
export function streamBody(source: AsyncIterable<Uint8Array>, onEnd: () => void = () => undefined): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await iterator.next();
        } catch (error) {
          onEnd();
          if (!cancelled) controller.error(error);
          return;
        }
        if (cancelled) return;
        if (next.done) {
          onEnd();
          controller.close();
        } else {
          controller.enqueue(next.value);
        }
      },
      async cancel() {
        cancelled = true;
        onEnd();
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * A response whose body is produced while it is sent: tokens, progress lines, logs, an archive. It
 * says `transfer-encoding: chunked`, which is how `isStreamed` tells it from a complete body, and
 * which keeps @hono/node-server from holding its first chunk a timer tick, waiting for a second one
 * to give a short body a Content-Length (2–4 ms on a token stream's first token).
 */
export function streamedResponse(source: AsyncIterable<Uint8Array>, init: { status?: number; headers: Record<string, string> }): Response {
  return new Response(streamBody(source), { status: init.status ?? 200, headers: { ...init.headers, 'transfer-encoding': 'chunked' } });
}

/**
 * Whether a response's body is produced while it is sent (`streamedResponse`). Any other body was
 * complete when its handler returned: the layers that watch a response (the lease, the request
 * recorder, metrics) leave it whole rather than wrap it in streams, and @hono/node-server sends a
 * body made from a string or bytes in one write with its Content-Length, where a stream goes out as
 * headers and then chunks, which the client reads twice. Read from the headers alone: touching
 * `body` makes @hono/node-server build the web Response it had put off.
 */
export function isStreamed(response: Response): boolean {
  return response.headers.get('transfer-encoding') === 'chunked';
}

export function nodeReadable(body: ReadableStream<Uint8Array> | null): Readable {
  return body ? Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
}

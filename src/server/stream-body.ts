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

export function nodeReadable(body: ReadableStream<Uint8Array> | null): Readable {
  return body ? Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
}

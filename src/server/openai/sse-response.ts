import type { Logger } from '../../shared/logger.js';
import { asRunnerError, openAIErrorBody } from '../render-error.js';

const encoder = new TextEncoder();

/**
 * Server-sent events from an async iterable of JSON payloads, ending with `data: [DONE]`. When the
 * client goes away the iterator is closed at once (its `finally` frees the engine's slot). An error
 * after the first byte can only travel in the stream, as an OpenAI error object.
 */
export function sseResponse(frames: AsyncIterable<unknown>, log: Logger): Response {
  const iterator = frames[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) {
          controller.enqueue(encoder.encode('data: [DONE]\n\n'));
          controller.close();
        } else {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(value)}\n\n`));
        }
      } catch (error) {
        const runnerError = asRunnerError(error, log);
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(openAIErrorBody(runnerError))}\n\n`));
        controller.close();
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
  });
}

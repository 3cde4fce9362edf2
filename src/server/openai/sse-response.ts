import type { Logger } from '../../shared/logger.js';
import { asRunnerError, openAIErrorBody } from '../render-error.js';
import { streamBody } from '../stream-body.js';

const frame = (payload: unknown) => Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);

async function* sseFrames(payloads: AsyncIterable<unknown>, log: Logger): AsyncGenerator<Uint8Array> {
  try {
    for await (const payload of payloads) yield frame(payload);
    yield Buffer.from('data: [DONE]\n\n');
  } catch (error) {
    yield frame(openAIErrorBody(asRunnerError(error, log)));
  }
}

/**
 * Server-sent events from an async iterable of JSON payloads, ending with `data: [DONE]`. When the
 * client goes away the stream is destroyed and the payloads' iterator closed. An error after the
 * first byte can only travel in the stream, as an OpenAI error object.
 */
export function sseResponse(payloads: AsyncIterable<unknown>, log: Logger): Response {
  return new Response(streamBody(sseFrames(payloads, log)), {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
  });
}

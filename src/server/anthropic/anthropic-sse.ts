import type { Logger } from '../../shared/logger.js';
import { anthropicErrorBody, asRunnerError } from '../render-error.js';
import { streamBody } from '../stream-body.js';

/** Each event is named on its `event:` line by its own `type`, as the SDK dispatches on it. */
const frame = (event: { type: string }) => Buffer.from(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);

async function* eventFrames(events: AsyncIterable<{ type: string }>, log: Logger): AsyncGenerator<Uint8Array> {
  try {
    for await (const event of events) yield frame(event);
  } catch (error) {
    yield frame(anthropicErrorBody(asRunnerError(error, log)));
  }
}

/**
 * Anthropic's server-sent events. An error after the first byte can only travel in the stream,
 * as an `error` event holding Anthropic's error object, which the SDK throws as an APIError.
 */
export function anthropicSse(events: AsyncIterable<{ type: string }>, log: Logger): Response {
  return new Response(streamBody(eventFrames(events, log)), {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
  });
}

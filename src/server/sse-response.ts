import type { Logger } from '../shared/logger.js';
import { asRunnerError, openAIErrorBody } from './render-error.js';
import { streamBody } from './stream-body.js';

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };

const dataFrame = (payload: unknown) => Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);

async function* dataFrames(payloads: AsyncIterable<unknown>, log: Logger): AsyncGenerator<Uint8Array> {
  try {
    for await (const payload of payloads) yield dataFrame(payload);
    yield Buffer.from('data: [DONE]\n\n');
  } catch (error) {
    yield dataFrame(openAIErrorBody(asRunnerError(error, log)));
  }
}

/**
 * Server-sent events as OpenAI's chat and completions send them: JSON payloads, then
 * `data: [DONE]`. When the client goes away the stream is destroyed and the payloads' iterator
 * closed. An error after the first byte can only travel in the stream, as an OpenAI error object.
 */
export function sseResponse(payloads: AsyncIterable<unknown>, log: Logger): Response {
  return new Response(streamBody(dataFrames(payloads, log)), { headers: SSE_HEADERS });
}

interface NamedEvent {
  type: string;
}

const namedFrame = (event: NamedEvent) => Buffer.from(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);

async function* namedFrames(events: AsyncIterable<NamedEvent>, failed: ((error: unknown) => NamedEvent) | undefined): AsyncGenerator<Uint8Array> {
  try {
    for await (const event of events) yield namedFrame(event);
  } catch (error) {
    if (!failed) throw error;
    yield namedFrame(failed(error));
  }
}

/**
 * Server-sent events named by their type, as Anthropic's Messages and OpenAI's Responses APIs send
 * them (their SDKs dispatch on the `event:` line): no `[DONE]`. `failed` turns an error after the
 * first byte into the API's own error event.
 */
export function namedEventStream(events: AsyncIterable<NamedEvent>, failed?: (error: unknown) => NamedEvent): Response {
  return new Response(streamBody(namedFrames(events, failed)), { headers: SSE_HEADERS });
}

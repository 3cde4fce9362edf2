import type { Logger } from '../shared/logger.js';
import { asRunnerError, errorBody, type ErrorStyle } from './render-error.js';
import { streamedResponse } from './stream-body.js';

interface StreamFormat {
  contentType: string;
  frame: (payload: unknown) => string;
  /** Written after the last payload of a stream that ended well. */
  end?: string;
}

/**
 * The wire formats of the APIs' streams: OpenAI's chat and completions (`data:` frames, then
 * `[DONE]`); Anthropic's Messages and OpenAI's Responses, whose SDKs dispatch on the `event:` line
 * naming each payload's `type`; Ollama's one JSON object a line.
 */
const FORMATS = {
  sse: { contentType: 'text/event-stream', frame: (payload) => `data: ${JSON.stringify(payload)}\n\n`, end: 'data: [DONE]\n\n' },
  'named-sse': { contentType: 'text/event-stream', frame: (payload) => `event: ${(payload as { type: string }).type}\ndata: ${JSON.stringify(payload)}\n\n` },
  ndjson: { contentType: 'application/x-ndjson', frame: (payload) => `${JSON.stringify(payload)}\n` },
} satisfies Record<string, StreamFormat>;

export type StreamFormatName = keyof typeof FORMATS;

/** An error after the first byte can only travel in the stream, as the API's own error object. */
export interface StreamFailure {
  log: Logger;
  style: Exclude<ErrorStyle, 'text'>;
}

async function* frames(payloads: AsyncIterable<unknown>, format: StreamFormat, failure: StreamFailure | undefined): AsyncGenerator<Uint8Array> {
  try {
    for await (const payload of payloads) yield Buffer.from(format.frame(payload));
    if (format.end) yield Buffer.from(format.end);
  } catch (error) {
    if (!failure) throw error;
    yield Buffer.from(format.frame(errorBody(asRunnerError(error, failure.log), failure.style)));
  }
}

/**
 * A streamed answer. When the client goes away the stream is destroyed and the payloads' iterator
 * closed. Without `failure`, the payloads carry their own failure events (the Responses API's).
 */
export function streamResponse(payloads: AsyncIterable<unknown>, format: StreamFormatName, failure?: StreamFailure): Response {
  const chosen: StreamFormat = FORMATS[format];
  return streamedResponse(frames(payloads, chosen, failure), { headers: streamHeaders(chosen.contentType) });
}

/** The headers of an event stream. */
export function streamHeaders(contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'cache-control': 'no-cache', connection: 'keep-alive' };
}

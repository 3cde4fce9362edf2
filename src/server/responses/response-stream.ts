import type { GenerationEvent } from '../../engine/engine.js';
import type { Logger } from '../../shared/logger.js';
import { asRunnerError } from '../render-error.js';
import { namedEventStream } from '../sse-response.js';
import type { ResponseBody } from './response-body.js';
import type { ResponseBuilder, ResponseEvent } from './response-builder.js';

/**
 * The Responses stream's events, numbered: the response created and in progress, each output
 * item's steps, then completed or incomplete. A failure after the first byte can only travel in the
 * stream: an `error` event, then `response.failed`. `settled` gets the response as it ended.
 */
async function* responseEvents(
  builder: ResponseBuilder,
  events: AsyncIterable<GenerationEvent>,
  settled: (response: ResponseBody) => void,
  log: Logger,
): AsyncGenerator<ResponseEvent & { sequence_number: number }> {
  let sequence = 0;
  const numbered = (event: ResponseEvent) => ({ ...event, sequence_number: sequence++ });
  yield numbered({ type: 'response.created', response: builder.response() });
  yield numbered({ type: 'response.in_progress', response: builder.response() });
  try {
    for await (const event of events) for (const step of builder.accept(event)) yield numbered(step);
  } catch (error) {
    for (const step of builder.fail(asRunnerError(error, log))) yield numbered(step);
  }
  settled(builder.response());
}

/** Server-sent events as OpenAI's Responses API sends them: `event: <type>` then its JSON, no `[DONE]`. */
export function responseStream(builder: ResponseBuilder, events: AsyncIterable<GenerationEvent>, settled: (response: ResponseBody) => void, log: Logger): Response {
  return namedEventStream(responseEvents(builder, events, settled, log));
}

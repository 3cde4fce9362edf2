import type { GenerationEvent } from '../../engine/engine.js';
import type { Logger } from '../../shared/logger.js';
import { asRunnerError } from '../render-error.js';
import { streamResponse } from '../stream-response.js';
import type { ResponseBody } from './response-body.js';
import type { ResponseBuilder, ResponseEvent } from './response-builder.js';

/**
 * The Responses stream's events, numbered: the response created and in progress, each output
 * item's steps, then completed or incomplete. A failure after the first byte can only travel in the
 * stream: an `error` event, then `response.failed`. `settled` gets the response as it ended, before
 * the events that end it are sent: a client may stop reading at `response.completed`, which closes
 * this generator at that event, and the response must be kept by then.
 */
async function* responseEvents(
  builder: ResponseBuilder,
  events: AsyncIterable<GenerationEvent>,
  settled: (response: ResponseBody) => void,
  log: Logger,
): AsyncGenerator<ResponseEvent & { sequence_number: number }> {
  let sequence = 0;
  const numbered = (event: ResponseEvent) => ({ ...event, sequence_number: sequence++ });
  function* sent(steps: ResponseEvent[]) {
    const response = builder.response();
    if (response.status !== 'in_progress') settled(response);
    for (const step of steps) yield numbered(step);
  }
  yield numbered({ type: 'response.created', response: builder.response() });
  yield numbered({ type: 'response.in_progress', response: builder.response() });
  try {
    for await (const event of events) yield* sent(builder.accept(event));
  } catch (error) {
    yield* sent(builder.fail(asRunnerError(error, log)));
  }
}

/** Server-sent events as OpenAI's Responses API sends them: `event: <type>` then its JSON, no `[DONE]`. */
export function responseStream(builder: ResponseBuilder, events: AsyncIterable<GenerationEvent>, settled: (response: ResponseBody) => void, log: Logger): Response {
  return streamResponse(responseEvents(builder, events, settled, log), 'named-sse');
}

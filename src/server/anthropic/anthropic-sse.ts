import type { Logger } from '../../shared/logger.js';
import { anthropicErrorBody, asRunnerError } from '../render-error.js';
import { namedEventStream } from '../sse-response.js';

/**
 * Anthropic's server-sent events. An error after the first byte can only travel in the stream,
 * as an `error` event holding Anthropic's error object, which the SDK throws as an APIError.
 */
export function anthropicSse(events: AsyncIterable<{ type: string }>, log: Logger): Response {
  return namedEventStream(events, (error) => anthropicErrorBody(asRunnerError(error, log)));
}

import { isJsonObject, parseJson, type JsonObject } from '../../shared/json-object.js';
import { streamingError, type Collapsed } from './collapse-stream.js';

/** A Responses error (the `error` event, or a failed response's `error`) in the fields streamingError reads. */
const errorOf = (error: JsonObject) => ({ message: error.message, type: error.code });

/**
 * DMR's record of a streamed Responses answer: the response as the last `response.*` event carried
 * it (completed, incomplete). An `error` event, or `response.failed` without one, makes the record
 * an error, in DMR's StreamingError shape.
 */
export function collapseResponsesStream(body: string): Collapsed {
  let response: unknown;
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice('data: '.length);
    const event = parseJson(data);
    if (!isJsonObject(event) || typeof event.type !== 'string') continue;
    if (event.type === 'error') return { error: streamingError(errorOf(event), data) };
    if (!event.type.startsWith('response.') || !isJsonObject(event.response)) continue;
    if (event.type === 'response.failed') return { error: streamingError(isJsonObject(event.response.error) ? errorOf(event.response.error) : undefined, data) };
    response = event.response;
  }
  return { response: response === undefined ? body : JSON.stringify(response) };
}

import { isJsonObject, parseJson, type JsonObject } from '../../shared/json-object.js';
import { streamingError, type Collapsed } from './collapse-stream.js';

/**
 * DMR's record of a streamed Ollama answer (one JSON object a line): the last object, the `done`
 * one with the stats, with the text of every line concatenated into it (`message.content` and the
 * message's tool calls for a chat, `response` for a generate). An `{"error": …}` line makes the
 * record an error, in DMR's StreamingError shape.
 */
export function collapseOllamaStream(body: string): Collapsed {
  let last: JsonObject | undefined;
  let text = '';
  const toolCalls: unknown[] = [];
  for (const line of body.split('\n')) {
    const object = parseJson(line);
    if (!isJsonObject(object)) continue;
    if (object.error !== undefined) return { error: streamingError({ message: object.error }, line) };
    last = object;
    const message = isJsonObject(object.message) ? object.message : undefined;
    const piece = message ? message.content : object.response;
    if (typeof piece === 'string') text += piece;
    if (message && Array.isArray(message.tool_calls)) toolCalls.push(...(message.tool_calls as unknown[]));
  }
  if (!last) return { response: body };
  if (!isJsonObject(last.message)) return { response: JSON.stringify({ ...last, response: text }) };
  const message = { ...last.message, content: text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
  return { response: JSON.stringify({ ...last, message }) };
}

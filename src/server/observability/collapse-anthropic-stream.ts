import { isJsonObject, parseJson, type JsonObject } from '../../shared/json-object.js';
import { streamingError, type Collapsed } from './collapse-stream.js';

/**
 * DMR's record of a streamed Anthropic answer: message_start's message with the text deltas
 * concatenated into one text block, and message_delta's stop reason (`end_turn` unless given) and
 * usage. An `error` event makes the record an error, in DMR's StreamingError shape.
 */
export function collapseAnthropicStream(body: string): Collapsed {
  let message: JsonObject | undefined;
  let text = '';
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice('data: '.length);
    const event = parseJson(data);
    if (!isJsonObject(event)) continue;
    if (event.type === 'error') return { error: streamingError(event.error, data) };
    if (event.type === 'message_start' && isJsonObject(event.message)) message = { ...event.message };
    const delta = isJsonObject(event.delta) ? event.delta : {};
    if (event.type === 'content_block_delta' && delta.type === 'text_delta' && typeof delta.text === 'string') text += delta.text;
    if (event.type === 'message_delta' && message) {
      if (isJsonObject(event.usage)) message.usage = event.usage;
      if (typeof delta.stop_reason === 'string') message.stop_reason = delta.stop_reason;
    }
  }
  if (!message) return { response: body };
  return { response: JSON.stringify({ ...message, stop_reason: message.stop_reason ?? 'end_turn', content: [{ type: 'text', text }] }) };
}

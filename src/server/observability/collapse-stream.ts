import { isJsonObject, parseJson, type JsonObject } from '../../shared/json-object.js';

/** DMR's status for an error that arrives inside a stream without a numeric code. */
const STREAM_ERROR_STATUS = 400;

/** An error met inside a stream, in DMR's StreamingError shape. */
export function streamingError(error: unknown, details: string): string {
  if (!isJsonObject(error)) return JSON.stringify({ status_code: STREAM_ERROR_STATUS, message: 'unparseable streaming error', details });
  const { code, message, type } = error;
  return JSON.stringify({
    status_code: typeof code === 'number' ? code : STREAM_ERROR_STATUS,
    message: typeof message === 'string' ? message : 'streaming error',
    ...(typeof type === 'string' && type ? { type } : {}),
    details,
  });
}

export interface Collapsed {
  response?: string;
  error?: string;
}

/**
 * DMR's record of a streamed answer: the chunks folded into one `chat.completion` (the last
 * chunk's fields, its last choice with `message` in place of `delta`, content and
 * `reasoning_content` concatenated, `finish_reason` `stop` unless given). An error in the stream
 * (llama-server's `error:` line, or this runner's `data:` frame holding OpenAI's `{"error": …}`)
 * makes the record an error; a stream without JSON chunks is kept as it came.
 */
export function collapseStream(body: string): Collapsed {
  let content = '';
  let reasoning = '';
  let lastChunk: JsonObject | undefined;
  let lastChoice: JsonObject = {};
  for (const line of body.split('\n')) {
    if (line.startsWith('error: ')) return { error: streamingError(parseJson(line.slice('error: '.length)), line.slice('error: '.length)) };
    if (!line.startsWith('data: ')) continue;
    const data = line.slice('data: '.length);
    if (data === '[DONE]') break;
    const chunk = parseJson(data);
    if (!isJsonObject(chunk)) continue;
    if (chunk.error !== undefined) return { error: streamingError(chunk.error, data) };
    lastChunk = chunk;
    const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isJsonObject(choice)) continue;
    lastChoice = choice;
    const delta = isJsonObject(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string') content += delta.content;
    if (typeof delta.reasoning_content === 'string') reasoning += delta.reasoning_content;
  }
  if (!lastChunk) return { response: body };
  const { delta: _delta, ...choice } = lastChoice;
  const message = { role: 'assistant', content, ...(reasoning ? { reasoning_content: reasoning } : {}) };
  const finish = 'finish_reason' in choice ? {} : { finish_reason: 'stop' };
  return { response: JSON.stringify({ ...lastChunk, choices: [{ ...choice, message, ...finish }], object: 'chat.completion' }) };
}

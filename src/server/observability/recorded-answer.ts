import { parseJson } from '../../shared/json-object.js';
import { collapseAnthropicStream } from './collapse-anthropic-stream.js';
import { collapseStream } from './collapse-stream.js';

export interface RecordedAnswer {
  response?: string;
  error?: string;
}

/** DMR keeps error bodies as JSON: one that is not is wrapped as `{"error": "<text>"}`. */
function errorJson(body: string): string {
  if (body === '') return '{"error": "unknown error"}';
  return parseJson(body) === undefined ? `{"error": ${JSON.stringify(body)}}` : body;
}

/**
 * An answer as DMR records it: a streamed one collapsed (Anthropic's events, which this runner's
 * Messages streams begin with, as Anthropic messages), a failed one (4xx, 5xx) as `error`.
 */
export function recordedAnswer(status: number, body: string, streamed: boolean): RecordedAnswer {
  const collapse = body.startsWith('event: message_start') ? collapseAnthropicStream : collapseStream;
  const answer = streamed ? collapse(body) : { response: body };
  if (answer.error !== undefined) return answer;
  return status >= 400 ? { error: errorJson(body) } : answer;
}

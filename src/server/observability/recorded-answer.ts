import { parseJson } from '../../shared/json-object.js';
export interface RecordedAnswer {
  response?: string;
  error?: string;
}

/** How a route's streamed answer, in its API's own events, becomes the one answer DMR records. */
export type CollapseStream = (body: string) => RecordedAnswer;

/** DMR keeps error bodies as JSON: one that is not is wrapped as `{"error": "<text>"}`. */
function errorJson(body: string): string {
  if (body === '') return '{"error": "unknown error"}';
  return parseJson(body) === undefined ? `{"error": ${JSON.stringify(body)}}` : body;
}

/**
 * An answer as DMR records it: a streamed one collapsed by its route's `collapse` (given only for
 * a stream), a failed one (4xx, 5xx) as `error`.
 */
export function recordedAnswer(status: number, body: string, collapse?: CollapseStream): RecordedAnswer {
  const answer = collapse ? collapse(body) : { response: body };
  if (answer.error !== undefined) return answer;
  return status >= 400 ? { error: errorJson(body) } : answer;
}

import { describe, expect, it } from 'vitest';
import { collapseResponsesStream } from './collapse-responses-stream.js';
import { recordedAnswer } from './recorded-answer.js';

const sse = (...events: ({ type: string } & Record<string, unknown>)[]) => events.map((event, index) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`).join('');
const response = (status: string, output: unknown[] = [], error: unknown = null) => ({ id: 'resp_1', object: 'response', status, output, error });
const message = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] };
const started = [
  { type: 'response.created', response: response('in_progress') },
  { type: 'response.in_progress', response: response('in_progress') },
  { type: 'response.output_text.delta', item_id: 'msg_1', delta: 'Hello' },
];

describe('recording a streamed Responses answer', () => {
  it('keeps the response the last response event carried', () => {
    const body = sse(...started, { type: 'response.output_item.done', item: message }, { type: 'response.completed', response: response('completed', [message]) });
    expect(JSON.parse(recordedAnswer(200, body, collapseResponsesStream).response!)).toEqual(response('completed', [message]));
  });

  it('makes the error event, or a response.failed without one, the record’s error, in DMR’s StreamingError shape', () => {
    const failed = { type: 'response.failed', response: response('failed', [], { code: 'service_unavailable_error', message: 'the worker stopped' }) };
    const error = { type: 'error', code: 'service_unavailable_error', message: 'the worker stopped', param: null };
    expect(JSON.parse(recordedAnswer(200, sse(...started, error, failed), collapseResponsesStream).error!)).toMatchObject({ status_code: 400, message: 'the worker stopped', type: 'service_unavailable_error' });
    expect(JSON.parse(collapseResponsesStream(sse(...started, failed)).error!)).toMatchObject({ status_code: 400, message: 'the worker stopped', type: 'service_unavailable_error' });
  });

  it('keeps a stream without response events as it came', () => {
    expect(collapseResponsesStream('data: not json\n\n')).toEqual({ response: 'data: not json\n\n' });
  });
});

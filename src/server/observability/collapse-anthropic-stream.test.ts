import { describe, expect, it } from 'vitest';
import { collapseAnthropicStream } from './collapse-anthropic-stream.js';
import { recordedAnswer } from './recorded-answer.js';

const sse = (...events: { type: string }[]) => events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
const start = { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'ai/tiny', content: [], stop_reason: null, usage: { input_tokens: 0, output_tokens: 0 } } };
const text = (chunk: string) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: chunk } });

describe('recording a streamed Anthropic answer', () => {
  it('folds the events into one message: text concatenated, message_delta’s stop reason and usage', () => {
    const body = sse(
      start,
      { type: 'content_block_start' },
      text('Hel'),
      text('lo'),
      { type: 'content_block_stop' },
      { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { input_tokens: 5, output_tokens: 2 } } as { type: string },
      { type: 'message_stop' },
    );
    expect(JSON.parse(recordedAnswer(200, body, collapseAnthropicStream).response!)).toEqual({
      ...start.message,
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'max_tokens',
      usage: { input_tokens: 5, output_tokens: 2 },
    });
  });

  it('makes an error event the record’s error, in DMR’s StreamingError shape', () => {
    const body = sse(start, text('x'), { type: 'error', error: { type: 'api_error', message: 'the engine stopped' } } as { type: string });
    expect(JSON.parse(recordedAnswer(200, body, collapseAnthropicStream).error!)).toMatchObject({ status_code: 400, message: 'the engine stopped', type: 'api_error' });
  });
});

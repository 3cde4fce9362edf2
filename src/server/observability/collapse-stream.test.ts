import { describe, expect, it } from 'vitest';
import { collapseStream } from './collapse-stream.js';
import { recordedAnswer } from './recorded-answer.js';

const sse = (...payloads: unknown[]) => payloads.map((payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`).join('');
const chunk = (delta: object, finish: string | null = null) => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'ai/tiny', choices: [{ index: 0, delta, finish_reason: finish }] });

describe('recording a streamed answer', () => {
  it('folds the chunks into one chat.completion: content and reasoning concatenated, the last chunk’s fields kept', () => {
    const body = sse(chunk({ role: 'assistant', content: '' }), chunk({ reasoning_content: 'think ' }), chunk({ content: 'Hel' }), chunk({ reasoning_content: 'more' }), chunk({ content: 'lo' }), chunk({}, 'length'), { id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage: { total_tokens: 5 } }, '[DONE]');
    expect(JSON.parse(collapseStream(body).response!)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', reasoning_content: 'think more' }, finish_reason: 'length' }],
      usage: { total_tokens: 5 },
    });
  });

  it('says stop when no chunk gave a finish_reason, and keeps a stream without JSON as it came', () => {
    expect(JSON.parse(collapseStream(sse({ choices: [{ index: 0, delta: { content: 'hi' } }] })).response!).choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' });
    expect(collapseStream('data: not json\n\n')).toEqual({ response: 'data: not json\n\n' });
  });

  it('makes an error in the stream the record’s error, in DMR’s StreamingError shape', () => {
    const ours = sse(chunk({ content: 'x' }), { error: { message: 'the engine for model ai/tiny stopped', type: 'server_error', param: null, code: null } });
    expect(JSON.parse(recordedAnswer(200, ours, collapseStream).error!)).toMatchObject({ status_code: 400, message: 'the engine for model ai/tiny stopped', type: 'server_error' });
    expect(JSON.parse(collapseStream('error: {"code":500,"message":"boom"}\n').error!)).toEqual({ status_code: 500, message: 'boom', details: '{"code":500,"message":"boom"}' });
  });

  it('keeps a failed answer as JSON in error, wrapping plain text', () => {
    expect(recordedAnswer(404, '{"error":{"message":"nope"}}')).toEqual({ error: '{"error":{"message":"nope"}}' });
    expect(recordedAnswer(500, 'model not found\n')).toEqual({ error: '{"error": "model not found\\n"}' });
    expect(recordedAnswer(500, '')).toEqual({ error: '{"error": "unknown error"}' });
    expect(recordedAnswer(200, '{"object":"list"}')).toEqual({ response: '{"object":"list"}' });
  });
});

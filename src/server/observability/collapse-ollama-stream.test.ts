import { describe, expect, it } from 'vitest';
import { collapseOllamaStream } from './collapse-ollama-stream.js';

const ndjson = (...objects: object[]) => objects.map((object) => `${JSON.stringify(object)}\n`).join('');
const header = { model: 'ai/tiny', created_at: '2025-01-01T00:00:00Z' };
const call = { function: { index: 0, name: 'f', arguments: { a: 1 } } };

describe('recording a streamed Ollama answer', () => {
  it('folds a chat into its done object: content concatenated, tool calls kept', () => {
    const body = ndjson(
      { ...header, message: { role: 'assistant', content: 'Hel' }, done: false },
      { ...header, message: { role: 'assistant', content: 'lo' }, done: false },
      { ...header, message: { role: 'assistant', content: '', tool_calls: [call] }, done: false },
      { ...header, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', eval_count: 3 },
    );
    expect(JSON.parse(collapseOllamaStream(body).response!)).toEqual({ ...header, message: { role: 'assistant', content: 'Hello', tool_calls: [call] }, done: true, done_reason: 'stop', eval_count: 3 });
  });

  it('folds a generate into its done object, response concatenated', () => {
    const body = ndjson({ ...header, response: 'Hel', done: false }, { ...header, response: 'lo', done: false }, { ...header, response: '', done: true, done_reason: 'length' });
    expect(JSON.parse(collapseOllamaStream(body).response!)).toEqual({ ...header, response: 'Hello', done: true, done_reason: 'length' });
  });

  it('makes an error line the record’s error, in DMR’s StreamingError shape', () => {
    const body = ndjson({ ...header, response: 'Hel', done: false }, { error: 'the worker stopped' });
    expect(JSON.parse(collapseOllamaStream(body).error!)).toEqual({ status_code: 400, message: 'the worker stopped', details: '{"error":"the worker stopped"}' });
  });
});

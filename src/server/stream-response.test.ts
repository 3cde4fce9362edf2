import { describe, expect, it } from 'vitest';
import { RunnerError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { started } from './generation/started.js';
import { streamResponse } from './stream-response.js';

async function* failingAfter(first: object) {
  yield first;
  throw new RunnerError('unavailable', 'the engine for model ai/tiny stopped');
}

const log = createLogger('silent');

describe('streamResponse', () => {
  it('ends an OpenAI stream with [DONE], or with an OpenAI error object when it fails', async () => {
    async function* two() {
      yield { a: 1 };
      yield { b: 2 };
    }
    expect(await streamResponse(two(), 'sse', { log, style: 'openai' }).text()).toBe('data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n');
    const failed = await streamResponse(failingAfter({ a: 1 }), 'sse', { log, style: 'openai' }).text();
    expect(failed).toBe('data: {"a":1}\n\ndata: {"error":{"message":"the engine for model ai/tiny stopped","type":"service_unavailable_error","param":null,"code":null}}\n\n');
  });

  it('names each event after its type, and ends a failed Anthropic stream with an error event in Anthropic’s shape', async () => {
    const response = streamResponse(failingAfter({ type: 'message_start' }), 'named-sse', { log, style: 'anthropic' });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe(
      'event: message_start\ndata: {"type":"message_start"}\n\n' +
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"the engine for model ai/tiny stopped"}}\n\n',
    );
  });

  it('writes Ollama’s stream one object a line, ending a failed one with an error line', async () => {
    const response = streamResponse(failingAfter({ done: false }), 'ndjson', { log, style: 'ollama' });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await response.text()).toBe('{"done":false}\n{"error":"the engine for model ai/tiny stopped"}\n');
  });
});

describe('started', () => {
  it('throws a failure that comes before the first item, so the answer can still get its status', async () => {
    async function* failsAtOnce(): AsyncGenerator<number> {
      throw new RunnerError('context_length_exceeded', 'too long');
    }
    await expect(started(failsAtOnce())).rejects.toThrow('too long');
  });

  it('gives every item once the first has come, and closes the source when the reader leaves', async () => {
    let closed = false;
    async function* three() {
      try {
        yield 1;
        yield 2;
        yield 3;
      } finally {
        closed = true;
      }
    }
    const items: number[] = [];
    for await (const item of await started(three())) {
      items.push(item);
      if (item === 2) break;
    }
    expect(items).toEqual([1, 2]);
    expect(closed).toBe(true);
  });
});

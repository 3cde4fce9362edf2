import { describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../../engine/engine.js';
import { collectGeneration } from '../generation/collect-generation.js';
import { messageBody, messageEvents } from './anthropic-bodies.js';

const meta = { id: 'msg_1', model: 'ai/tiny' };

async function* from(events: GenerationEvent[]): AsyncGenerator<GenerationEvent> {
  yield* events;
}

async function eventsOf(events: GenerationEvent[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const event of messageEvents(meta, from(events))) out.push(event);
  return out;
}

const call = { id: 'call_abc', name: 'get_weather', arguments: '{"city":"Oslo"}' };

describe('messageBody', () => {
  it('reports a stop string as stop_sequence', async () => {
    const body = messageBody(meta, await collectGeneration(from([{ delta: 'Hi' }, { finish: { reason: 'stop', promptTokens: 5, completionTokens: 2, stopSequence: 'END' } }])));
    expect(body).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'ai/tiny',
      content: [{ type: 'text', text: 'Hi' }],
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
      usage: { input_tokens: 5, output_tokens: 2 },
    });
  });

  it('gives tool calls alone as tool_use blocks with toolu_ ids and object input', async () => {
    const body = messageBody(meta, await collectGeneration(from([{ toolCall: call }, { finish: { reason: 'tool_calls', promptTokens: 5, completionTokens: 9 } }])));
    expect(body.content).toEqual([{ type: 'tool_use', id: 'toolu_abc', name: 'get_weather', input: { city: 'Oslo' } }]);
    expect(body).toMatchObject({ stop_reason: 'tool_use', stop_sequence: null });
  });

  it('keeps one empty text block for an empty answer, and maps length to max_tokens', async () => {
    const body = messageBody(meta, await collectGeneration(from([{ finish: { reason: 'length', promptTokens: 5, completionTokens: 0 } }])));
    expect(body).toMatchObject({ content: [{ type: 'text', text: '' }], stop_reason: 'max_tokens' });
  });
});

describe('messageEvents', () => {
  it('streams text then a tool_use block, then the stop reason with usage', async () => {
    const events = await eventsOf([{ delta: 'a' }, { delta: 'b' }, { toolCall: call }, { finish: { reason: 'tool_calls', promptTokens: 5, completionTokens: 9 } }]);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[5]).toEqual({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_abc', name: 'get_weather', input: {} } });
    expect(events[6]).toEqual({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":"Oslo"}' } });
    expect(events[8]).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 5, output_tokens: 9 } });
  });

  it('opens and closes an empty text block when nothing was generated', async () => {
    const events = await eventsOf([{ finish: { reason: 'stop', promptTokens: 5, completionTokens: 0 } }]);
    expect(events.slice(1, 3)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_stop', index: 0 },
    ]);
    expect(events[3]).toMatchObject({ delta: { stop_reason: 'end_turn' } });
  });
});

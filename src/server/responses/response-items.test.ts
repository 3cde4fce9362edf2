import { describe, expect, it } from 'vitest';
import { isRunnerError } from '../../shared/errors.js';
import { conversationTurns, inputItems } from './response-items.js';
import { createResponseRequest } from './responses-schemas.js';

const itemsOf = (input: unknown) => inputItems(createResponseRequest.parse({ model: 'm', input }).input);

function paramOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isRunnerError(error, 'invalid_request')) return error.param;
    throw error;
  }
  return undefined;
}

describe('Responses input items', () => {
  it('reads a string as one user message with an id', () => {
    const [item] = itemsOf('Hello');
    expect(item).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] });
    expect(item?.id).toMatch(/^msg_/);
  });

  it('keeps the ids a client sent and gives ids to the rest', () => {
    const items = itemsOf([
      { id: 'msg_given', role: 'user', content: 'a' },
      { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: '1' },
    ]);
    expect(items.map((item) => item.id)).toEqual(['msg_given', expect.stringMatching(/^fc_/), expect.stringMatching(/^fco_/)]);
  });

  it('joins text parts and refuses the parts a text model cannot read, by index', () => {
    const [item] = itemsOf([{ role: 'assistant', content: [{ type: 'output_text', text: 'a' }, { type: 'output_text', text: 'b' }] }]);
    expect(item).toMatchObject({ content: [{ type: 'output_text', text: 'ab', annotations: [] }] });
    expect(paramOf(() => itemsOf([{ role: 'user', content: 'x' }, { role: 'user', content: [{ type: 'input_text', text: 'a' }, { type: 'input_image' }] }]))).toBe('input[1].content[1].type');
  });

  it('makes chat turns: developer is system, calls join the assistant turn before them, outputs answer calls by call_id', () => {
    const items = itemsOf([
      { role: 'developer', content: 'Be brief' },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Looking' },
      { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call', call_id: 'call_2', name: 'time', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_2', output: 'noon' },
    ]);
    expect(conversationTurns(items, 0)).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Looking',
        toolCalls: [
          { id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
          { id: 'call_2', name: 'time', arguments: '{}' },
        ],
      },
      { role: 'tool', content: 'noon', toolCallId: 'call_2', name: 'time' },
    ]);
  });

  it('refuses an output answering no earlier call, at its index in input', () => {
    const history = itemsOf([{ role: 'user', content: 'a' }]);
    const input = itemsOf([{ role: 'user', content: 'b' }, { type: 'function_call_output', call_id: 'call_x', output: '1' }]);
    expect(paramOf(() => conversationTurns([...history, ...input], history.length))).toBe('input[1].call_id');
  });
});

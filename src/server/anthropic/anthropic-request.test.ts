import { describe, expect, it } from 'vitest';
import { isRunnerError } from '../../shared/errors.js';
import { anthropicChatInput, countTokensGeneration, messagesGeneration } from './anthropic-request.js';
import { messagesRequest } from './anthropic-schemas.js';

const weather = { name: 'get_weather', description: 'The weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isRunnerError(error, 'invalid_request')) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('anthropicChatInput', () => {
  it('puts the system prompt first and joins text blocks as paragraphs', () => {
    const input = anthropicChatInput({
      model: 'm',
      system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Be kind.' }],
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      ],
    });
    expect(input.messages).toEqual([
      { role: 'system', content: 'Be brief.\n\nBe kind.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'a\n\nb' },
    ]);
    expect(input).toMatchObject({ tools: [], toolChoice: 'auto', parallelToolCalls: true });
  });

  it('maps tool_use to calls and tool_result to tool turns named after the call they answer', () => {
    const input = anthropicChatInput({
      model: 'm',
      tools: [weather],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '3 C' }] }, { type: 'text', text: 'And tomorrow?' }] },
      ],
    });
    expect(input.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'Looking.', toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { role: 'tool', content: '3 C', toolCallId: 'toolu_1', name: 'get_weather' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(input.tools).toEqual([{ name: 'get_weather', description: 'The weather', parameters: weather.input_schema }]);
  });

  it('maps tool_choice: any to required, tool to a named call, disable_parallel_tool_use to one call', () => {
    const choose = (tool_choice: Parameters<typeof anthropicChatInput>[0]['tool_choice']) =>
      anthropicChatInput({ model: 'm', tools: [weather], tool_choice, messages: [{ role: 'user', content: 'x' }] });
    expect(choose({ type: 'any' })).toMatchObject({ toolChoice: 'required', parallelToolCalls: true });
    expect(choose({ type: 'tool', name: 'get_weather', disable_parallel_tool_use: true })).toMatchObject({ toolChoice: { name: 'get_weather' }, parallelToolCalls: false });
    expect(choose({ type: 'none' })).toMatchObject({ toolChoice: 'none' });
    expect(choose({ type: 'auto' })).toMatchObject({ toolChoice: 'auto' });
  });

  it('refuses a tool_result that answers no earlier tool_use, and blocks in the wrong role', () => {
    expect(refusal(() => anthropicChatInput({ model: 'm', messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x' }] }] }))).toBe(
      'messages.0: tool_use_id toolu_x answers no tool_use block of an earlier message',
    );
    expect(refusal(() => anthropicChatInput({ model: 'm', messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'n', input: {} }] }] }))).toMatch(/belong in assistant/);
    expect(refusal(() => anthropicChatInput({ model: 'm', messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] }))).toMatch(/belong in user/);
  });
});

describe('messagesGeneration', () => {
  it('carries max_tokens, stop_sequences and sampling to the engine', () => {
    const request = messagesGeneration(
      messagesRequest.parse({ model: 'm', max_tokens: 7, stop_sequences: ['END'], temperature: 0.5, top_p: 0.9, top_k: 40, messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(request).toMatchObject({ maxTokens: 7, stop: ['END'], sampling: { temperature: 0.5, topP: 0.9, topK: 40 } });
  });

  it('counts tokens by running the prompt for one token', () => {
    expect(countTokensGeneration({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).maxTokens).toBe(1);
  });
});

describe('messagesRequest', () => {
  it('requires max_tokens and names unsupported content blocks', () => {
    const missing = messagesRequest.safeParse({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(missing.error?.issues[0]).toMatchObject({ path: ['max_tokens'], message: 'Field required' });
    const image = messagesRequest.safeParse({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image', source: {} }] }] });
    expect(image.error?.issues[0]).toMatchObject({ path: ['messages', 0, 'content'], message: expect.stringMatching(/other block types are not supported/) });
  });
});

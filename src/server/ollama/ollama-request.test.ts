import { describe, expect, it } from 'vitest';
import { chatRequestOf, chatTurns, generateRequestOf, generationOptions, keepAliveMs, modelName, requestedConfig } from './ollama-request.js';

describe("Ollama's requests as the engine's", () => {
  it('reads the model from name before model, and refuses a request without either', () => {
    expect(modelName({ name: 'a', model: 'b' })).toBe('a');
    expect(modelName({ model: 'b' })).toBe('b');
    expect(() => modelName({})).toThrow(expect.objectContaining({ code: 'invalid_request', message: 'model is required' }));
  });

  it('gives id-less tool calls ids and pairs tool messages with them in order, or by tool_name', () => {
    const turns = chatTurns([
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
          { function: { name: 'get_time', arguments: { zone: 'CET' } } },
        ],
      },
      { role: 'tool', content: '12:00', tool_name: 'get_time' },
      { role: 'tool', content: 'sunny' },
    ]);
    expect(turns[1]?.toolCalls).toEqual([
      { id: 'call_1_0', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_1_1', name: 'get_time', arguments: '{"zone":"CET"}' },
    ]);
    expect(turns[2]).toMatchObject({ role: 'tool', toolCallId: 'call_1_1', name: 'get_time' });
    expect(turns[3]).toMatchObject({ role: 'tool', toolCallId: 'call_1_0', name: 'get_weather' });
  });

  it('keeps ids a client sends, and lets the shared checks refuse a tool message that answers nothing', () => {
    const turns = chatTurns([
      { role: 'assistant', tool_calls: [{ id: 'abc', function: { name: 'f', arguments: '{"x":1}' } }] },
      { role: 'tool', content: 'done', tool_call_id: 'abc' },
    ]);
    expect(turns[1]).toMatchObject({ toolCallId: 'abc', name: 'f' });
    expect(() => chatRequestOf({ model: 'm', messages: [{ role: 'tool', content: 'orphan' }] })).toThrow(/must follow an assistant message with tool_calls/);
  });

  it('refuses images, naming the message, because the engine is text-only', () => {
    expect(() => chatTurns([{ role: 'user', content: 'what is this?', images: ['iVBORw0KGgo='] }])).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'messages[0].images', message: expect.stringMatching(/text-only/) }),
    );
    expect(() => generateRequestOf({ model: 'm', images: ['/9j/4AAQ'] }, 'describe')).toThrow(/text-only/);
  });

  it("maps Ollama's options: num_predict to a token limit (none when 0 or less), stop, sampling and format", () => {
    const options = generationOptions({ options: { num_predict: 7, temperature: 0.2, top_k: 5, seed: 3, stop: ['\n'], presence_penalty: 0.5 }, format: 'json' });
    expect(options).toMatchObject({ maxTokens: 7, stop: ['\n'], jsonObject: true, sampling: { temperature: 0.2, topK: 5, seed: 3, presencePenalty: 0.5 } });
    expect(generationOptions({ options: { num_predict: -1 } }).maxTokens).toBeUndefined();
    expect(generationOptions({ format: { type: 'object' } }).jsonSchema).toEqual({ type: 'object' });
    expect(() => generationOptions({ format: 'yaml' })).toThrow(/invalid format "yaml"/);
  });

  it('reads keep_alive as a duration or seconds, and num_ctx, for the worker config', () => {
    expect(keepAliveMs('5m')).toBe(300_000);
    expect(keepAliveMs(30)).toBe(30_000);
    expect(keepAliveMs(-1)).toBe(-1);
    expect(keepAliveMs('0')).toBe(0);
    expect(requestedConfig({ keep_alive: '1h', options: { num_ctx: 2048 } })).toEqual({ contextSize: 2048, keepAliveMs: 3_600_000 });
    expect(requestedConfig({ options: { keep_alive: '10s' } })).toEqual({ keepAliveMs: 10_000 });
    expect(requestedConfig({})).toEqual({});
    expect(() => keepAliveMs('soon')).toThrow(/invalid keep_alive/);
  });

  it('sends a prompt through the chat template with its system prompt, or as it is with raw', () => {
    const templated = generateRequestOf({ model: 'm', system: 'Be brief.' }, 'Hi');
    expect(templated.chat?.messages?.map((message) => [message.role, message.content])).toEqual([
      ['system', 'Be brief.'],
      ['user', 'Hi'],
    ]);
    const raw = generateRequestOf({ model: 'm', raw: true }, 'Once upon');
    expect(raw.text).toBe('Once upon');
    expect(raw.chat).toBeUndefined();
    expect(() => generateRequestOf({ model: 'm', suffix: 'end' }, 'start')).toThrow(/suffix is not supported/);
  });
});

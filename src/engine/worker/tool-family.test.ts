import { describe, expect, it } from 'vitest';
import { detectToolFamily, forcedCallShape, parseToolCalls, type ToolFamily } from './tool-family.js';
import { ToolCallStream } from './tool-call-stream.js';
import { jsonValueAt } from './json-value-at.js';

const paris = { name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' };

describe('detectToolFamily', () => {
  it('tells the families apart by the syntax their templates teach', () => {
    expect(detectToolFamily('{{- "<tool_call>\\n" }}{{ tools }}')).toBe('hermes');
    expect(detectToolFamily('{{ "[AVAILABLE_TOOLS]" }}{{ "[TOOL_CALLS]" }}{{ tools }}')).toBe('mistral');
    expect(detectToolFamily('{{- "<|start_header_id|>ipython<|end_header_id|>" }}{{ tools }}')).toBe('llama3');
    expect(detectToolFamily('{% for tool in tools %}{{ tool | tojson }}{% endfor %}')).toBe('generic');
  });
});

describe('parseToolCalls on outputs written in each family', () => {
  it('reads Hermes and Qwen calls, with content before them and several calls', () => {
    const qwen = 'Let me check.\n<tool_call>\n{"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}\n</tool_call>\n<tool_call>\n{"name": "get_time", "arguments": {}}\n</tool_call>';
    expect(parseToolCalls('hermes', qwen)).toEqual({ content: 'Let me check.', calls: [paris, { name: 'get_time', arguments: '{}' }] });
    const unclosed = '<tool_call>\n{"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}';
    expect(parseToolCalls('hermes', unclosed)).toEqual({ content: '', calls: [paris] });
  });

  it('reads Llama 3.x calls, bare or after the python tag, one or several', () => {
    expect(parseToolCalls('llama3', '{"name": "get_weather", "parameters": {"location": "Paris", "unit": "celsius"}}')).toEqual({ content: '', calls: [paris] });
    expect(parseToolCalls('llama3', '<|python_tag|>{"type": "function", "name": "get_weather", "parameters": {"location": "Paris", "unit": "celsius"}}')?.calls).toEqual([paris]);
    expect(parseToolCalls('llama3', '{"name": "a", "parameters": {}}; {"name": "b", "parameters": {"x": 1}}')?.calls).toEqual([
      { name: 'a', arguments: '{}' },
      { name: 'b', arguments: '{"x":1}' },
    ]);
  });

  it('reads Mistral calls in the JSON-list form and in the [ARGS] form', () => {
    expect(parseToolCalls('mistral', '[TOOL_CALLS][{"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}, "id": "a1b2c3d4e"}]')).toEqual({ content: '', calls: [paris] });
    expect(parseToolCalls('mistral', 'Sure. [TOOL_CALLS]get_weather[ARGS]{"location": "Paris", "unit": "celsius"}[TOOL_CALLS]get_time[ARGS]{}')).toEqual({
      content: 'Sure.',
      calls: [paris, { name: 'get_time', arguments: '{}' }],
    });
  });

  it('reads the generic JSON forms, and a plain response as content', () => {
    expect(parseToolCalls('generic', '{"tool_calls": [{"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}]}')).toEqual({ content: '', calls: [paris] });
    expect(parseToolCalls('generic', '{"tool_call": {"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}}')?.calls).toEqual([paris]);
    expect(parseToolCalls('generic', '{"response": "It is sunny."}')).toEqual({ content: 'It is sunny.', calls: [] });
  });

  it('finds no call in text, in cut-off JSON, or in JSON that is not a call', () => {
    expect(parseToolCalls('hermes', 'Just text.')).toBeUndefined();
    expect(parseToolCalls('hermes', '<tool_call>\n{"name": "get_weather", "argum')).toBeUndefined();
    expect(parseToolCalls('llama3', '{"answer": 42}')).toBeUndefined();
    expect(parseToolCalls('generic', '{"tool_calls": [{"arguments": {}}]}')).toBeUndefined();
  });
});

describe('ToolCallStream', () => {
  function run(family: ToolFamily, pieces: string[], prefill = '') {
    const stream = new ToolCallStream(family, prefill);
    const streamed = pieces.map((piece) => stream.push(piece));
    return { streamed, ...stream.finish() };
  }

  it('streams content before a Hermes call and holds a marker split across tokens', () => {
    const { streamed, content, calls } = run('hermes', ['Checking', ' now.\n<tool', '_call>\n{"name": "get_weather", ', '"arguments": {"location": "Paris", "unit": "celsius"}}\n</tool_call>']);
    expect(streamed).toEqual(['Checking', ' now.\n', '', '']);
    expect(content).toBe('');
    expect(calls).toEqual([paris]);
  });

  it('gives back held text that turned out not to be a call', () => {
    const { streamed, content, calls } = run('generic', ['{"not": ', '"a call"}']);
    expect(streamed.join('') + content).toBe('{"not": "a call"}');
    expect(calls).toEqual([]);
  });

  it('streams text that does not start like a call at once', () => {
    expect(run('llama3', ['Hello', ' {"name": 1}']).streamed).toEqual(['Hello', ' {"name": 1}']);
  });

  it('reads a forced call from the prefill the prompt started it with', () => {
    const { calls } = run('hermes', ['{"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}'], '<tool_call>\n');
    expect(calls).toEqual([paris]);
  });
});

describe('forcedCallShape', () => {
  const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } }];

  it('starts a forced call in the family syntax and constrains the rest to the tool schema', () => {
    expect(forcedCallShape('hermes', tools, false).prefill).toBe('<tool_call>\n');
    expect(forcedCallShape('llama3', tools, false).schema).toMatchObject({ properties: { name: { const: 'get_weather' }, parameters: tools[0]!.parameters } });
    expect(forcedCallShape('mistral', tools, false)).toMatchObject({ prefill: '[TOOL_CALLS]', schema: { type: 'array', maxItems: 1 } });
    expect(forcedCallShape('generic', tools, true).schema).toMatchObject({ properties: { tool_calls: { type: 'array', minItems: 1 } } });
  });
});

describe('jsonValueAt', () => {
  it('reads one object and where it ends, past braces inside strings', () => {
    expect(jsonValueAt('  {"a": "}{", "b": [1]} tail')).toEqual({ value: { a: '}{', b: [1] }, end: 23 });
    expect(jsonValueAt('{"a": "\\"}"}')?.value).toEqual({ a: '"}' });
    expect(jsonValueAt('{"a": 1')).toBeUndefined();
    expect(jsonValueAt('text')).toBeUndefined();
  });
});

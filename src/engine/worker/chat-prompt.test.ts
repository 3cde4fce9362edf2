import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadedModel } from '../../../test/helpers/loaded-model.js';
import { CHAT_TEMPLATES } from '../../shared/chat-templates.js';
import type { ChatMessage__Output } from '../proto/generated/modelrunner/engine/v1/ChatMessage.js';
import { ChatPrompt } from './chat-prompt.js';
import type { ToolFamily } from './tool-family.js';

const loaded = loadedModel('tiny', 'q8_0');

const message = (role: string, content: string, extra: Partial<ChatMessage__Output> = {}): ChatMessage__Output => ({ role, content, toolCalls: [], toolCallId: '', name: '', ...extra });
const weather = { name: 'get_weather', description: 'Weather', parameters: '{"type":"object","properties":{"city":{"type":"string"}}}' };
const call = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' };
const IM_END = 2;

describe('ChatPrompt', () => {
  it('renders tools, calls and results through a template that reads tools', () => {
    const prompt = new ChatPrompt(loaded.model, CHAT_TEMPLATES.hermes);
    expect(prompt.family).toBe('hermes');
    const tokens = prompt.tokenize([message('user', 'Oslo?'), message('assistant', '', { toolCalls: [call] }), message('tool', '{"t": 3}', { toolCallId: 'call_1' })], [weather]);
    const text = loaded.model.detokenize(tokens, true);
    expect(text).toContain('<tools>\n{"type": "function", "function": {"name": "get_weather"');
    expect(text).toContain('<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call><|im_end|>');
    expect(text).toContain('<|im_start|>user\n<tool_response>\n{"t": 3}\n</tool_response><|im_end|>');
    expect(text.endsWith('<|im_start|>assistant\n')).toBe(true);
  });

  it('teaches the generic syntax in a system prompt when the template has no tools, and writes calls and results as text', () => {
    const prompt = new ChatPrompt(loaded.model, CHAT_TEMPLATES.chatml);
    expect(prompt.family).toBe('generic');
    const tokens = prompt.tokenize([message('system', 'Be brief.'), message('user', 'Oslo?'), message('assistant', '', { toolCalls: [call] }), message('tool', '3', { toolCallId: 'call_1' })], [weather]);
    const text = loaded.model.detokenize(tokens, true);
    expect(text).toMatch(/^<\|im_start\|>system\nBe brief\.\n\nYou can call these tools:\n\{"name":"get_weather"/);
    expect(text).toContain('<|im_start|>assistant\n{"tool_calls":[{"name":"get_weather","arguments":{"city":"Oslo"}}]}<|im_end|>');
    expect(text).toContain('<|im_start|>user\n{"tool_response":{"tool_call_id":"call_1","name":"","content":"3"}}<|im_end|>');
  });

  it('keeps special-token text in messages as plain text, so a message cannot end its own turn', () => {
    const prompt = new ChatPrompt(loaded.model, CHAT_TEMPLATES.chatml);
    const tokens = prompt.tokenize([message('user', 'hi<|im_end|>')], []);
    // One end-of-turn token: the template's, not the user's.
    expect(tokens.filter((token) => token === IM_END)).toHaveLength(1);
    expect(loaded.model.detokenize(tokens, true)).toBe('<|im_start|>user\nhi<|im_end|><|im_end|>\n<|im_start|>assistant\n');
  });

  it('appends a prefill after the generation prompt', () => {
    const prompt = new ChatPrompt(loaded.model, CHAT_TEMPLATES.hermes);
    const tokens = prompt.tokenize([message('user', 'x')], [weather], '<tool_call>\n');
    expect(loaded.model.detokenize(tokens, true).endsWith('<|im_start|>assistant\n<tool_call>\n')).toBe(true);
  });
});

describe('ChatPrompt on real models\' templates (copied from llama.cpp: test/fixtures/chat-templates)', () => {
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/chat-templates');
  const history = (id: string) => [
    message('system', 'Be brief.'),
    message('user', 'Weather in Oslo?'),
    message('assistant', '', { toolCalls: [{ id, name: 'get_weather', arguments: '{"city":"Oslo"}' }] }),
    message('tool', 'celsius 3', { toolCallId: id, name: 'get_weather' }),
  ];
  // Hermes 3's template prints each parameter's description.
  const described = { ...weather, parameters: '{"type":"object","properties":{"city":{"type":"string","description":"A city"}},"required":["city"]}' };
  const cases: [string, ToolFamily, string][] = [
    ['Qwen-Qwen2.5-7B-Instruct', 'hermes', 'call_1'],
    ['Qwen-Qwen3-0.6B', 'hermes', 'call_1'],
    ['NousResearch-Hermes-3-Llama-3.1-8B-tool_use', 'hermes', 'call_1'],
    ['meta-llama-Llama-3.1-8B-Instruct', 'llama3', 'call_1'],
    ['meta-llama-Llama-3.2-3B-Instruct', 'llama3', 'call_1'],
    ['meta-llama-Llama-3.3-70B-Instruct', 'llama3', 'call_1'],
    ['mistralai-Mistral-Nemo-Instruct-2407', 'mistral', 'a1B2c3D4e'],
    ['Mistral-Small-3.2-24B-Instruct-2506', 'mistral', 'a1B2c3D4e'],
    ['microsoft-Phi-3.5-mini-instruct', 'generic', 'call_1'],
  ];
  it('opens the first user turn with the system text when the template refuses system turns (Gemma 2)', async () => {
    const prompt = new ChatPrompt(loaded.model, await readFile(join(fixtures, 'google-gemma-2-2b-it.jinja'), 'utf8'));
    const text = loaded.model.detokenize(prompt.tokenize([message('system', 'Be brief.'), message('user', 'Hi')], []), true);
    expect(text).toContain('<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>');
  });

  it('gives Mistral templates nine-character ids for ids other APIs made, the same for a call and its result', async () => {
    const prompt = new ChatPrompt(loaded.model, await readFile(join(fixtures, 'mistralai-Mistral-Nemo-Instruct-2407.jinja'), 'utf8'));
    for (const id of ['toolu_01A09q90qw90lq917835lq9', 'call_0_0']) {
      const text = loaded.model.detokenize(prompt.tokenize(history(id), [described]), true);
      const ids = [...text.matchAll(/"(?:id|call_id)": ?"([^"]+)"/g)].map((match) => match[1]);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toMatch(/^[a-zA-Z0-9]{9}$/);
    }
  });

  for (const [name, family, id] of cases) {
    it(`renders tools, a call and its result with ${name} (${family})`, async () => {
      const prompt = new ChatPrompt(loaded.model, await readFile(join(fixtures, `${name}.jinja`), 'utf8'));
      expect(prompt.family).toBe(family);
      const text = loaded.model.detokenize(prompt.tokenize(history(id), [described]), true);
      expect(text).toContain('get_weather');
      expect(text).toContain('Weather in Oslo?');
      expect(text).toContain('Oslo"');
      expect(text).toContain('celsius 3');
    });
  }
});

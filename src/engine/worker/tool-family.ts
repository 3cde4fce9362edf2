import type { Tool__Output } from '../proto/generated/modelrunner/engine/v1/Tool.js';
import type { ToolCall } from '../proto/generated/modelrunner/engine/v1/ToolCall.js';
import { argumentsValue } from '../../shared/json-object.js';
import { jsonValueAt } from './json-value-at.js';

/**
 * The tool-call syntaxes we read, told apart by the chat template that teaches them:
 * - hermes: `<tool_call>{"name": …, "arguments": …}</tool_call>` (Hermes, Qwen 2.5 and 3);
 * - mistral: `[TOOL_CALLS][{"name": …, "arguments": …}]`, or `[TOOL_CALLS]name[ARGS]{…}` (newer);
 * - llama3: a bare `{"name": …, "parameters": …}`, maybe after `<|python_tag|>` (Llama 3.1–3.3);
 * - generic: `{"tool_calls": [{"name": …, "arguments": …}]}`, which toolsSystemPrompt teaches
 *   models whose template has no tools (and reads templates with tools in an unknown syntax).
 */
export type ToolFamily = 'hermes' | 'mistral' | 'llama3' | 'generic';

export function detectToolFamily(template: string): ToolFamily {
  if (template.includes('<tool_call>')) return 'hermes';
  if (template.includes('[TOOL_CALLS]')) return 'mistral';
  if (template.includes('<|python_tag|>') || template.includes('ipython')) return 'llama3';
  return 'generic';
}

export const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The only call ids Mistral's templates accept. */
export const MISTRAL_CALL_ID = /^[a-zA-Z0-9]{9}$/;

/** A parsed call before it is given an id. */
export interface ParsedCall {
  name: string;
  arguments: string;
}

interface ParsedOutput {
  content: string;
  calls: ParsedCall[];
}

const HERMES_OPEN = '<tool_call>';
const HERMES_CLOSE = '</tool_call>';
const MISTRAL_MARK = '[TOOL_CALLS]';
const PYTHON_TAG = '<|python_tag|>';

/** Special tokens that must reach the parser as text, though detokenizing drops control tokens. */
export const TOOL_MARKERS: readonly string[] = [HERMES_OPEN, HERMES_CLOSE, MISTRAL_MARK, '[ARGS]', '[CALL_ID]', PYTHON_TAG];

function asCall(value: unknown, argumentsKey: 'arguments' | 'parameters'): ParsedCall | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const fn = typeof record['function'] === 'object' && record['function'] !== null ? (record['function'] as Record<string, unknown>) : record;
  const name = fn['name'];
  const args = fn[argumentsKey] ?? fn['arguments'] ?? fn['parameters'] ?? {};
  if (typeof name !== 'string' || name === '') return undefined;
  if (typeof args === 'string') return { name, arguments: args };
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return undefined;
  return { name, arguments: JSON.stringify(args) };
}

function allCalls(values: unknown[], argumentsKey: 'arguments' | 'parameters'): ParsedCall[] | undefined {
  const calls = values.map((value) => asCall(value, argumentsKey));
  return calls.length > 0 && calls.every((call) => call !== undefined) ? (calls as ParsedCall[]) : undefined;
}

function parseHermes(text: string): ParsedOutput | undefined {
  const first = text.indexOf(HERMES_OPEN);
  if (first < 0) return undefined;
  const calls: ParsedCall[] = [];
  let at = first;
  while (text.startsWith(HERMES_OPEN, at)) {
    const json = jsonValueAt(text, at + HERMES_OPEN.length);
    const call = json && asCall(json.value, 'arguments');
    if (!json || !call) return undefined;
    calls.push(call);
    at = json.end;
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (text.startsWith(HERMES_CLOSE, at)) at += HERMES_CLOSE.length;
    while (at < text.length && /\s/.test(text[at]!)) at++;
  }
  return { content: (text.slice(0, first) + text.slice(at)).trim(), calls };
}

function parseMistral(text: string): ParsedOutput | undefined {
  const mark = text.indexOf(MISTRAL_MARK);
  if (mark < 0) return undefined;
  const content = text.slice(0, mark).trim();
  const rest = text.slice(mark + MISTRAL_MARK.length);
  const json = jsonValueAt(rest);
  if (json) {
    const calls = allCalls(Array.isArray(json.value) ? json.value : [json.value], 'arguments');
    return calls && { content, calls };
  }
  // Newer templates: name[ARGS]{…}, repeated after further [TOOL_CALLS] marks, maybe with [CALL_ID]id.
  const calls: ParsedCall[] = [];
  for (const part of rest.split(MISTRAL_MARK)) {
    const match = /^\s*([\w.-]+)(?:\[CALL_ID\][\w-]*)?\[ARGS\]/.exec(part);
    const args = match && jsonValueAt(part, match[0].length);
    if (!match || !args || typeof args.value !== 'object' || Array.isArray(args.value)) return undefined;
    calls.push({ name: match[1]!, arguments: JSON.stringify(args.value) });
  }
  return { content, calls };
}

function parseLlama3(text: string): ParsedOutput | undefined {
  let body = text.trim();
  if (body.startsWith(PYTHON_TAG)) body = body.slice(PYTHON_TAG.length);
  const calls: ParsedCall[] = [];
  let at = 0;
  // Several calls come separated by semicolons.
  for (;;) {
    const json = jsonValueAt(body, at);
    const call = json && asCall(json.value, 'parameters');
    if (!json || !call) return calls.length > 0 && body.slice(at).trim() === '' ? { content: '', calls } : undefined;
    calls.push(call);
    at = json.end;
    while (at < body.length && /[\s;]/.test(body[at]!)) at++;
    if (at >= body.length) return { content: '', calls };
  }
}

/** `{"response": …}` is the generic prompt's plain answer; other families' JSON answers are content as they are. */
function parseGeneric(text: string, unwrapResponse = true): ParsedOutput | undefined {
  const json = jsonValueAt(text);
  if (!json || text.slice(json.end).trim() !== '') return undefined;
  const value = json.value as Record<string, unknown>;
  if (Array.isArray(value['tool_calls'])) {
    const calls = allCalls(value['tool_calls'], 'arguments');
    return calls && { content: '', calls };
  }
  if (value['tool_call'] !== undefined) {
    const call = asCall(value['tool_call'], 'arguments');
    return call && { content: '', calls: [call] };
  }
  if (unwrapResponse && typeof value['response'] === 'string') return { content: value['response'], calls: [] };
  return undefined;
}

const PARSERS: Record<ToolFamily, (text: string) => ParsedOutput | undefined> = {
  hermes: parseHermes,
  mistral: parseMistral,
  llama3: parseLlama3,
  generic: parseGeneric,
};

/** The calls in a model's whole answer; undefined when it holds none in this family's syntax. */
export function parseToolCalls(family: ToolFamily, text: string): ParsedOutput | undefined {
  return PARSERS[family](text) ?? (family === 'generic' ? undefined : parseGeneric(text, false));
}

/**
 * Where a call begins in streamed text, so content before it can be streamed and the rest held.
 * Hermes and Mistral mark calls anywhere; Llama 3 and generic calls are JSON from the first character.
 */
export function callStart(family: ToolFamily, text: string, contentStreamed: boolean): { at: number } | { maybe: number } | undefined {
  const marker = family === 'hermes' ? HERMES_OPEN : family === 'mistral' ? MISTRAL_MARK : undefined;
  if (marker) {
    const at = text.indexOf(marker);
    if (at >= 0) return { at };
    for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
      if (text.endsWith(marker.slice(0, length))) return { maybe: text.length - length };
    }
    return undefined;
  }
  if (contentStreamed) return undefined;
  const lead = text.trimStart();
  if (lead === '' || PYTHON_TAG.startsWith(lead)) return { maybe: 0 };
  return lead.startsWith('{') || lead.startsWith(PYTHON_TAG) ? { at: 0 } : undefined;
}

export interface ToolSpec {
  name: string;
  parameters: Record<string, unknown>;
}

/**
 * What a forced call is made to look like: text the answer starts with, and the JSON schema the
 * rest must follow, in the family's own syntax so the model writes what it was trained on.
 */
export function forcedCallShape(family: ToolFamily, tools: readonly ToolSpec[], parallel: boolean): { prefill: string; schema: Record<string, unknown> } {
  const argumentsKey = family === 'llama3' ? 'parameters' : 'arguments';
  const variants = tools.map((tool) => ({
    type: 'object',
    properties: { name: { const: tool.name }, [argumentsKey]: tool.parameters },
    required: ['name', argumentsKey],
  }));
  const call = variants.length === 1 ? variants[0]! : { oneOf: variants };
  const list = { type: 'array', items: call, minItems: 1, ...(parallel ? {} : { maxItems: 1 }) };
  switch (family) {
    case 'hermes':
      return { prefill: `${HERMES_OPEN}\n`, schema: call };
    case 'mistral':
      return { prefill: MISTRAL_MARK, schema: list };
    case 'llama3':
      return { prefill: '', schema: call };
    case 'generic':
      return { prefill: '', schema: { type: 'object', properties: { tool_calls: list }, required: ['tool_calls'] } };
  }
}

/** How a call is written in the generic syntax, for templates that cannot render calls themselves. */
export function toolCallText(calls: readonly ToolCall[]): string {
  return JSON.stringify({ tool_calls: calls.map((call) => ({ name: call.name, arguments: argumentsValue(call.arguments || '{}') })) });
}

/** The system prompt that teaches a model without a tools-aware template the generic syntax. */
export function toolsSystemPrompt(tools: readonly Tool__Output[]): string {
  const list = tools.map((tool) => JSON.stringify({ name: tool.name, description: tool.description, parameters: JSON.parse(tool.parameters) as unknown }));
  return [
    'You can call these tools:',
    ...list,
    'To call tools, answer with only this JSON and nothing else:',
    '{"tool_calls": [{"name": "<tool name>", "arguments": {<arguments matching the tool\'s parameters>}}]}',
    'Otherwise, answer normally.',
  ].join('\n');
}

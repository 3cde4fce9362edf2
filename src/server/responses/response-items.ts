import { randomBytes } from 'node:crypto';
import { RunnerError } from '../../shared/errors.js';
import type { ChatTurn } from '../generation/chat-generation.js';
import type { CreateResponseRequest, RequestInputItem } from './responses-schemas.js';

/** OpenAI's ids: a prefix naming the kind of object, then random hex. */
export function newId(prefix: 'resp' | 'msg' | 'fc' | 'fco'): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

interface TextPart {
  type: 'input_text' | 'output_text';
  text: string;
  annotations?: never[];
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface MessageItem {
  type: 'message';
  id: string;
  role: 'user' | 'assistant' | 'system' | 'developer';
  status: ItemStatus;
  content: TextPart[];
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
}

interface FunctionCallOutputItem {
  type: 'function_call_output';
  id: string;
  call_id: string;
  output: string;
  status: ItemStatus;
}

/** An item of a conversation as a response lists it: what a client sent, or what the model answered. */
export type ConversationItem = MessageItem | FunctionCallItem | FunctionCallOutputItem;

const TEXT_PARTS = new Set(['input_text', 'output_text', 'text']);

/** The text of a content list; the engine reads text only, so any other part is refused by name. */
function contentText(content: string | { type: string; text?: string | undefined }[], param: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, index) => {
      if (!TEXT_PARTS.has(part.type)) {
        throw new RunnerError('invalid_request', `content type ${JSON.stringify(part.type)} is not supported: the model reads text parts only`, { param: `${param}[${index}].type` });
      }
      if (part.text === undefined) throw new RunnerError('invalid_request', `a ${part.type} part needs text`, { param: `${param}[${index}].text` });
      return part.text;
    })
    .join('');
}

function inputItem(item: RequestInputItem, index: number): ConversationItem {
  const param = `input[${index}]`;
  switch (item.type) {
    case 'message': {
      const type = item.role === 'assistant' ? 'output_text' : 'input_text';
      const part: TextPart = { type, text: contentText(item.content, `${param}.content`), ...(type === 'output_text' ? { annotations: [] } : {}) };
      return { type: 'message', id: item.id ?? newId('msg'), role: item.role, status: 'completed', content: [part] };
    }
    case 'function_call':
      return { type: 'function_call', id: item.id ?? newId('fc'), call_id: item.call_id, name: item.name, arguments: item.arguments, status: 'completed' };
    case 'function_call_output':
      return { type: 'function_call_output', id: item.id ?? newId('fco'), call_id: item.call_id, output: contentText(item.output, `${param}.output`), status: 'completed' };
  }
}

/** A request's input as the items it is listed and replayed as, each with an id. */
export function inputItems(input: CreateResponseRequest['input']): ConversationItem[] {
  return (input ?? []).map(inputItem);
}

/**
 * A conversation as chat turns: function calls join the assistant turn before them (a model's text
 * and its calls are one turn), and each function output answers a call made earlier, whose name it
 * carries for the templates that print it. `firstInput` is where the request's own items start, so
 * that an output answering no call is reported at its index in `input`.
 */
export function conversationTurns(items: readonly ConversationItem[], firstInput: number): ChatTurn[] {
  const turns: ChatTurn[] = [];
  const calls = new Map<string, string>();
  for (const [position, item] of items.entries()) {
    const last = turns.at(-1);
    if (item.type === 'message') {
      turns.push({ role: item.role === 'developer' ? 'system' : item.role, content: item.content.map((part) => part.text).join('') });
    } else if (item.type === 'function_call') {
      const call = { id: item.call_id, name: item.name, arguments: item.arguments };
      calls.set(item.call_id, item.name);
      if (last?.role === 'assistant') last.toolCalls = [...(last.toolCalls ?? []), call];
      else turns.push({ role: 'assistant', content: '', toolCalls: [call] });
    } else {
      const name = calls.get(item.call_id);
      if (name === undefined) {
        throw new RunnerError('invalid_request', `no function call with call_id ${item.call_id} precedes this output`, { param: `input[${position - firstInput}].call_id` });
      }
      turns.push({ role: 'tool', content: item.output, toolCallId: item.call_id, name });
    }
  }
  return turns;
}

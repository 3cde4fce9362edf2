import { createHash } from 'node:crypto';
import { Template } from '@huggingface/jinja';
import type { LlamaModel, Token } from 'node-llama-cpp';
import { RunnerError } from '../../shared/errors.js';
import { argumentsValue } from '../../shared/json-object.js';
import type { ChatMessage__Output } from '../proto/generated/modelrunner/engine/v1/ChatMessage.js';
import type { Tool__Output } from '../proto/generated/modelrunner/engine/v1/Tool.js';
import { ALPHANUMERIC, detectToolFamily, MISTRAL_CALL_ID, TOOL_MARKERS, toolsSystemPrompt, toolCallText, type ToolFamily } from './tool-family.js';

/** Jinja's dict for a message, as Hugging Face templates read it. */
type TemplateMessage = Record<string, unknown>;

/** Private-use characters: JSON leaves them as they are, so a placeholder survives templates that `tojson` a message. */
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/**
 * Renders chat messages with the model's own Jinja chat template, ready for the assistant's turn.
 * Message text is put in as placeholders and tokenized on its own, without special tokens, so a
 * user who writes "<|im_end|>" cannot close their own turn; only the template's text may hold them.
 */
export class ChatPrompt {
  readonly #template: Template;
  readonly #model: LlamaModel;
  /** The template reads `tools` itself; otherwise tools go in as a system prompt (tool-family.ts). */
  readonly rendersTools: boolean;
  readonly family: ToolFamily;
  /** The tool-call markers that are single tokens in this vocabulary, kept as text when detokenized. */
  readonly markerTokens: ReadonlySet<Token>;

  constructor(model: LlamaModel, source: string) {
    this.#model = model;
    this.#template = new Template(source);
    this.rendersTools = /\btools\b/.test(source);
    this.family = this.rendersTools ? detectToolFamily(source) : 'generic';
    this.markerTokens = new Set(TOOL_MARKERS.map((marker) => model.tokenize(marker, true)).flatMap((tokens) => (tokens.length === 1 ? tokens : [])));
  }

  /** The prompt's tokens; `prefill` is text the answer is made to start with, after the template's own. */
  tokenize(messages: readonly ChatMessage__Output[], tools: readonly Tool__Output[], prefill = ''): Token[] {
    const contents: string[] = [];
    // Empty text stays empty: templates test `if message.content` to leave parts out.
    const slot = (text: string): string => (text === '' ? '' : `\uE000${contents.push(text) - 1}\uE001`);
    const rendered = this.#renderEitherWay(this.#messages(messages, tools, slot), tools) + prefill;
    const tokens: Token[] = [];
    let at = 0;
    for (const match of rendered.matchAll(PLACEHOLDER)) {
      tokens.push(...this.#model.tokenize(rendered.slice(at, match.index), true));
      tokens.push(...this.#model.tokenize(contents[Number(match[1])] ?? '', false));
      at = match.index + match[0].length;
    }
    tokens.push(...this.#model.tokenize(rendered.slice(at), true));
    const bos = this.#model.tokens.bos;
    if (this.#model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos) tokens.unshift(bos);
    return tokens;
  }

  #messages(messages: readonly ChatMessage__Output[], tools: readonly Tool__Output[], slot: (text: string) => string): TemplateMessage[] {
    const rendered = messages.map((message) => this.#message(message, slot));
    if (tools.length === 0 || this.rendersTools) return rendered;
    const instructions = slot(toolsSystemPrompt(tools));
    const first = rendered[0];
    if (first?.['role'] === 'system') return [{ role: 'system', content: `${String(first['content'])}\n\n${instructions}` }, ...rendered.slice(1)];
    return [{ role: 'system', content: instructions }, ...rendered];
  }

  #message(message: ChatMessage__Output, slot: (text: string) => string): TemplateMessage {
    const role = message.role === 'developer' ? 'system' : message.role;
    if (this.rendersTools) {
      const item: TemplateMessage = { role, content: slot(message.content) };
      if (message.toolCalls.length > 0) {
        item['tool_calls'] = message.toolCalls.map((call) => ({
          id: this.#callId(call.id),
          type: 'function',
          function: { name: call.name, arguments: argumentsValue(call.arguments) },
        }));
      }
      if (role === 'tool') {
        item['tool_call_id'] = this.#callId(message.toolCallId);
        item['name'] = message.name;
      }
      return item;
    }
    // A template without tool support knows neither calls nor the tool role: both become text.
    if (message.toolCalls.length > 0) return { role, content: slot(`${message.content}${toolCallText(message.toolCalls)}`) };
    if (role === 'tool') {
      const response = JSON.stringify({ tool_response: { tool_call_id: message.toolCallId, name: message.name, content: message.content } });
      return { role: 'user', content: slot(response) };
    }
    return { role, content: slot(message.content) };
  }

  /**
   * Mistral's templates refuse any call id but nine letters and digits, and ids come from clients
   * and from other APIs' adapters in other forms (`toolu_…`, `call_…`): each becomes nine characters
   * derived from it, the same for a call and the result that answers it.
   */
  #callId(id: string): string {
    if (this.family !== 'mistral' || MISTRAL_CALL_ID.test(id)) return id;
    const digest = createHash('sha256').update(id).digest();
    return [...digest.subarray(0, 9)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
  }

  /**
   * Some templates (Gemma's) refuse a system turn; as llama-server does, the system text then opens
   * the first user turn instead.
   */
  #renderEitherWay(messages: TemplateMessage[], tools: readonly Tool__Output[]): string {
    try {
      return this.#render(messages, tools);
    } catch (error) {
      const system = messages.filter((message) => message['role'] === 'system').map((message) => String(message['content']));
      if (system.length === 0) throw error;
      const rest = messages.filter((message) => message['role'] !== 'system');
      const firstUser = rest.findIndex((message) => message['role'] === 'user');
      if (firstUser < 0) throw error;
      const user = rest[firstUser]!;
      rest[firstUser] = { ...user, content: [...system, String(user['content'])].join('\n\n') };
      return this.#render(rest, tools);
    }
  }

  #render(messages: TemplateMessage[], tools: readonly Tool__Output[]): string {
    const context: Record<string, unknown> = {
      messages,
      add_generation_prompt: true,
      bos_token: this.#model.tokens.bosString ?? '',
      eos_token: this.#model.tokens.eosString ?? '',
    };
    if (tools.length > 0 && this.rendersTools) {
      context['tools'] = tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: JSON.parse(tool.parameters) as unknown },
      }));
    }
    try {
      return this.#template.render(context);
    } catch (error) {
      // Templates refuse what they cannot render with raise_exception; the Jinja runtime provides it, and strftime_now.
      throw new RunnerError('invalid_request', `the model's chat template failed on these messages: ${(error as Error).message}`, { param: 'messages' });
    }
  }
}

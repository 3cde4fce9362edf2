import type { GenerationEvent, ToolCall } from '../../engine/engine.js';
import type { RunnerError } from '../../shared/errors.js';
import { openAIErrorBody } from '../render-error.js';
import { nowSeconds, type OutputItem, type ResponseBody } from './response-body.js';
import { newId, type FunctionCallItem, type ItemStatus, type MessageItem } from './response-items.js';

/** A stream event before its sequence number, which the stream gives it. */
export type ResponseEvent = { type: string } & Record<string, unknown>;

const textPart = (text: string) => ({ type: 'output_text' as const, text, annotations: [] as never[] });

/**
 * Turns a generation into a response's output items, and tells the events the Responses stream
 * sends for each step. A streamed and a non-streamed response are built by the same steps; only
 * the stream sends the events.
 */
export class ResponseBuilder {
  private readonly output: OutputItem[] = [];
  /** The message the text now generated goes to; a tool call closes it, later text opens another. */
  private open: { item: MessageItem; index: number; text: string } | undefined;

  constructor(private state: ResponseBody) {}

  response(): ResponseBody {
    return { ...this.state, output: [...this.output] };
  }

  /** The events of one generation event, in the order they are sent. */
  accept(event: GenerationEvent): ResponseEvent[] {
    if ('delta' in event) return this.text(event.delta);
    if ('toolCall' in event) return [...this.closeMessage('completed'), ...this.call(event.toolCall)];
    if ('logprob' in event) return [];
    const { reason, promptTokens, completionTokens } = event.finish;
    const incomplete = reason === 'length';
    const closing = this.closeMessage(incomplete ? 'incomplete' : 'completed');
    this.state = {
      ...this.state,
      status: incomplete ? 'incomplete' : 'completed',
      completed_at: nowSeconds(),
      incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
      usage: {
        input_tokens: promptTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: completionTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: promptTokens + completionTokens,
      },
    };
    return [...closing, { type: incomplete ? 'response.incomplete' : 'response.completed', response: this.response() }];
  }

  /** The response failed after it started; what was generated so far stays in its output, a message cut short as incomplete. */
  fail(error: RunnerError): ResponseEvent[] {
    const closing = this.closeMessage('incomplete');
    const { code, type, message, param } = openAIErrorBody(error).error;
    this.state = { ...this.state, status: 'failed', error: { code: code ?? type, message } };
    return [
      ...closing,
      { type: 'error', code: code ?? type, message, param },
      { type: 'response.failed', response: this.response() },
    ];
  }

  private text(delta: string): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    if (!this.open) {
      const item: MessageItem = { type: 'message', id: newId('msg'), role: 'assistant', status: 'in_progress', content: [] };
      this.open = { item, index: this.output.length, text: '' };
      this.output.push(item);
      events.push(
        { type: 'response.output_item.added', output_index: this.open.index, item },
        { type: 'response.content_part.added', item_id: item.id, output_index: this.open.index, content_index: 0, part: textPart('') },
      );
    }
    this.open.text += delta;
    events.push({ type: 'response.output_text.delta', item_id: this.open.item.id, output_index: this.open.index, content_index: 0, delta, logprobs: [] });
    return events;
  }

  private closeMessage(status: ItemStatus): ResponseEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const item: MessageItem = { ...open.item, status, content: [textPart(open.text)] };
    this.output[open.index] = item;
    const at = { item_id: item.id, output_index: open.index, content_index: 0 };
    return [
      { type: 'response.output_text.done', ...at, text: open.text, logprobs: [] },
      { type: 'response.content_part.done', ...at, part: textPart(open.text) },
      { type: 'response.output_item.done', output_index: open.index, item },
    ];
  }

  /** The engine gives whole calls, so a call's arguments go out as one delta. */
  private call(call: ToolCall): ResponseEvent[] {
    const item: FunctionCallItem = { type: 'function_call', id: newId('fc'), call_id: call.id, name: call.name, arguments: call.arguments, status: 'completed' };
    const index = this.output.length;
    this.output.push(item);
    return [
      { type: 'response.output_item.added', output_index: index, item: { ...item, arguments: '', status: 'in_progress' } },
      { type: 'response.function_call_arguments.delta', item_id: item.id, output_index: index, delta: call.arguments },
      { type: 'response.function_call_arguments.done', item_id: item.id, output_index: index, name: call.name, arguments: call.arguments },
      { type: 'response.output_item.done', output_index: index, item },
    ];
  }
}

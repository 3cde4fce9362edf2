import { randomBytes } from 'node:crypto';
import type { FinishReason, GenerationEvent, ToolCall } from '../../engine/engine.js';
import { isJsonObject, parseJson } from '../../shared/json-object.js';
import type { Generated } from '../generation/collect-generation.js';

/** What the message and every event of one answer share. */
export interface MessageMeta {
  id: string;
  model: string;
}

export function messageMeta(model: string): MessageMeta {
  return { id: `msg_${randomBytes(12).toString('hex')}`, model };
}

type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

function stopReason(reason: FinishReason, stopSequence: string | undefined): StopReason {
  if (reason === 'tool_calls') return 'tool_use';
  if (reason === 'length') return 'max_tokens';
  return stopSequence ? 'stop_sequence' : 'end_turn';
}

/** The engine's call ids are OpenAI's (`call_…`); Anthropic clients expect `toolu_…`. */
const toolUseId = (callId: string) => `toolu_${callId.replace(/^call_/, '')}`;

/** Arguments a model wrote that are not a JSON object (possible only unconstrained) become `{}`: input must be an object. */
function toolUseBlock(call: ToolCall) {
  const input = parseJson(call.arguments);
  return { type: 'tool_use' as const, id: toolUseId(call.id), name: call.name, input: isJsonObject(input) ? input : {} };
}

function shell(meta: MessageMeta) {
  return { id: meta.id, type: 'message', role: 'assistant', model: meta.model };
}

/** An answer of tool calls alone has no text block; any other answer has one, empty or not. */
export function messageBody(meta: MessageMeta, generated: Generated) {
  const calls = generated.toolCalls.map(toolUseBlock);
  const text = generated.text !== '' || calls.length === 0 ? [{ type: 'text', text: generated.text }] : [];
  return {
    ...shell(meta),
    content: [...text, ...calls],
    stop_reason: stopReason(generated.finishReason, generated.stopSequence),
    stop_sequence: generated.stopSequence ?? null,
    usage: { input_tokens: generated.usage.prompt_tokens, output_tokens: generated.usage.completion_tokens },
  };
}

/**
 * Anthropic's event sequence for one answer: message_start, a text block (start, text deltas,
 * stop), each tool call as a tool_use block whose input comes in one input_json_delta, then
 * message_delta with the stop reason and usage, and message_stop. The prompt's token count is
 * known only at the end, so message_start says 0 input tokens and message_delta the real count
 * (the SDK takes message_delta's counts over message_start's).
 */
export async function* messageEvents(meta: MessageMeta, events: AsyncIterable<GenerationEvent>) {
  yield { type: 'message_start', message: { ...shell(meta), content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } };
  let index = -1;
  let textOpen = false;
  const blockStop = () => ({ type: 'content_block_stop', index });
  const textStart = () => ({ type: 'content_block_start', index: ++index, content_block: { type: 'text', text: '' } });
  for await (const event of events) {
    if ('delta' in event) {
      if (!textOpen) yield textStart();
      textOpen = true;
      yield { type: 'content_block_delta', index, delta: { type: 'text_delta', text: event.delta } };
    } else if ('toolCall' in event) {
      if (textOpen) yield blockStop();
      textOpen = false;
      const block = toolUseBlock(event.toolCall);
      yield { type: 'content_block_start', index: ++index, content_block: { ...block, input: {} } };
      yield { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } };
      yield blockStop();
    } else if ('finish' in event) {
      const { reason, stopSequence, promptTokens, completionTokens } = event.finish;
      if (index < 0) {
        yield textStart();
        textOpen = true;
      }
      if (textOpen) yield blockStop();
      yield {
        type: 'message_delta',
        delta: { stop_reason: stopReason(reason, stopSequence), stop_sequence: stopSequence ?? null },
        usage: { input_tokens: promptTokens, output_tokens: completionTokens },
      };
      yield { type: 'message_stop' };
    }
  }
}

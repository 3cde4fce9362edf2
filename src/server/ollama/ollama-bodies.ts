import type { GenerationEvent, ToolCall } from '../../engine/engine.js';
import { argumentsValue } from '../../shared/json-object.js';
import { collectGeneration } from '../generation/collect-generation.js';
import type { GenerationStats, GenerationTimer } from './generation-timer.js';

/** Part of an answer: text, tool calls (numbered from `firstIndex` within the answer), or both. */
export interface AnswerPiece {
  content: string;
  toolCalls: readonly ToolCall[];
  firstIndex: number;
}

/** What the last object of an answer adds: the generation's stats, or why a model was loaded or unloaded instead. */
export type Done = GenerationStats | { done_reason: 'load' | 'unload' };

/** One of Ollama's response objects for a piece; the last (`done`) says how it ended. */
export type RenderPiece = (piece: AnswerPiece, done?: Done) => object;

function ollamaToolCall(call: ToolCall, index: number) {
  return { id: call.id, function: { index, name: call.name, arguments: argumentsValue(call.arguments) } };
}

function header(model: string, done: Done | undefined) {
  return { model, created_at: new Date().toISOString(), done: done !== undefined };
}

/** `/api/chat`'s objects: `message` with the piece, the stats when done. */
export function chatObject(model: string): RenderPiece {
  return (piece, done) => {
    const message = {
      role: 'assistant',
      content: piece.content,
      ...(piece.toolCalls.length > 0 ? { tool_calls: piece.toolCalls.map((call, offset) => ollamaToolCall(call, piece.firstIndex + offset)) } : {}),
    };
    return { ...header(model, done), message, ...done };
  };
}

/** `/api/generate`'s objects: `response` with the piece's text, the stats when done. */
export function generateObject(model: string): RenderPiece {
  return (piece, done) => ({ ...header(model, done), response: piece.content, ...done });
}

export const EMPTY_PIECE: AnswerPiece = { content: '', toolCalls: [], firstIndex: 0 };

/** Ollama's stream: an object per text delta and per tool call, then an empty one that is done. */
export async function* streamedObjects(events: AsyncIterable<GenerationEvent>, timer: GenerationTimer, render: RenderPiece): AsyncGenerator<object> {
  let calls = 0;
  for await (const event of timer.watch(events)) {
    if ('delta' in event) yield render({ content: event.delta, toolCalls: [], firstIndex: 0 });
    else if ('toolCall' in event) yield render({ content: '', toolCalls: [event.toolCall], firstIndex: calls++ });
    else if ('finish' in event) yield render(EMPTY_PIECE, timer.stats(event.finish));
  }
}

/** The whole answer as one object (`"stream": false`). */
export async function collectedObject(events: AsyncIterable<GenerationEvent>, timer: GenerationTimer, render: RenderPiece): Promise<object> {
  const generated = await collectGeneration(timer.watch(events));
  const stats = timer.stats({ reason: generated.finishReason, promptTokens: generated.usage.prompt_tokens, completionTokens: generated.usage.completion_tokens });
  return render({ content: generated.text, toolCalls: generated.toolCalls, firstIndex: 0 }, stats);
}

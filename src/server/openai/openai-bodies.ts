import { randomBytes } from 'node:crypto';
import type { GenerationEvent, TokenLogprob, TokenProbability, ToolCall } from '../../engine/engine.js';
import { addUsage, NO_USAGE, usageOf, type Generated, type Usage } from '../generation/collect-generation.js';

/** What every response and chunk of one completion shares. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export function completionMeta(prefix: 'chatcmpl' | 'cmpl', model: string): CompletionMeta {
  return { id: `${prefix}-${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model };
}

function probability(entry: TokenProbability) {
  return { token: entry.token, logprob: entry.logprob, bytes: entry.bytes };
}

/** Chat's logprobs object; null when none were asked for. */
function chatLogprobs(logprobs: readonly TokenLogprob[], asked: boolean) {
  if (!asked) return null;
  return { content: logprobs.map((entry) => ({ ...probability(entry.sampled), top_logprobs: entry.top.map(probability) })), refusal: null };
}

/** The legacy completions API's logprobs object. */
function textLogprobs(logprobs: readonly TokenLogprob[], asked: boolean, offset = 0) {
  if (!asked) return null;
  const textOffset: number[] = [];
  let at = offset;
  for (const entry of logprobs) {
    textOffset.push(at);
    at += entry.sampled.token.length;
  }
  return {
    tokens: logprobs.map((entry) => entry.sampled.token),
    token_logprobs: logprobs.map((entry) => entry.sampled.logprob),
    top_logprobs: logprobs.map((entry) => Object.fromEntries(entry.top.map((top) => [top.token, top.logprob]))),
    text_offset: textOffset,
  };
}

function toolCallBody(call: ToolCall) {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

export function chatCompletionBody(meta: CompletionMeta, generated: Generated, logprobs: boolean) {
  const calls = generated.toolCalls;
  const message = {
    role: 'assistant',
    content: calls.length > 0 && generated.text === '' ? null : generated.text,
    ...(calls.length > 0 ? { tool_calls: calls.map(toolCallBody) } : {}),
  };
  return {
    ...meta,
    object: 'chat.completion',
    choices: [{ index: 0, message, logprobs: chatLogprobs(generated.logprobs, logprobs), finish_reason: generated.finishReason }],
    usage: generated.usage,
  };
}

export function textCompletionBody(meta: CompletionMeta, results: readonly Generated[], logprobs: boolean) {
  const usage = results.reduce((sum, result) => addUsage(sum, result.usage), NO_USAGE);
  return {
    ...meta,
    object: 'text_completion',
    choices: results.map((result, index) => ({ text: result.text, index, logprobs: textLogprobs(result.logprobs, logprobs), finish_reason: result.finishReason })),
    usage,
  };
}

/**
 * OpenAI's chunk sequence: a role chunk, content chunks (each with the logprobs of its tokens),
 * each tool call as a chunk with its id and name then one with its arguments, a finish chunk, and
 * usage if asked.
 */
export async function* chatCompletionChunks(meta: CompletionMeta, events: AsyncIterable<GenerationEvent>, options: { includeUsage: boolean; logprobs: boolean }) {
  const chunk = (delta: object, finishReason: string | null, logprobs: TokenLogprob[] = []) => ({
    ...meta,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: chatLogprobs(logprobs, options.logprobs && logprobs.length > 0), finish_reason: finishReason }],
  });
  let pending: TokenLogprob[] = [];
  const taken = (): TokenLogprob[] => {
    const out = pending;
    pending = [];
    return out;
  };
  let calls = 0;
  yield chunk({ role: 'assistant', content: '' }, null);
  for await (const event of events) {
    if ('logprob' in event) pending.push(event.logprob);
    else if ('delta' in event) yield chunk({ content: event.delta }, null, taken());
    else if ('toolCall' in event) {
      const index = calls++;
      const { id, name, arguments: args } = event.toolCall;
      yield chunk({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] }, null);
      yield chunk({ tool_calls: [{ index, function: { arguments: args } }] }, null);
    } else {
      // Logprobs of text that never became content (a tool call, a stop string) are not reported.
      yield chunk({}, event.finish.reason);
      if (options.includeUsage) yield { ...meta, object: 'chat.completion.chunk', choices: [], usage: usageOf(event.finish) };
    }
  }
}

export async function* textCompletionChunks(
  meta: CompletionMeta,
  runs: AsyncIterable<{ index: number; event: GenerationEvent }>,
  options: { includeUsage: boolean; logprobs: boolean },
) {
  const chunk = (index: number, text: string, finishReason: string | null, logprobs: TokenLogprob[] = []) => {
    const offset = offsets.get(index) ?? 0;
    offsets.set(index, offset + logprobs.reduce((sum, entry) => sum + entry.sampled.token.length, 0));
    return {
      ...meta,
      object: 'text_completion',
      choices: [{ text, index, logprobs: textLogprobs(logprobs, options.logprobs && logprobs.length > 0, offset), finish_reason: finishReason }],
    };
  };
  let usage: Usage = NO_USAGE;
  const pending = new Map<number, TokenLogprob[]>();
  const offsets = new Map<number, number>();
  const taken = (index: number): TokenLogprob[] => {
    const out = pending.get(index) ?? [];
    pending.delete(index);
    return out;
  };
  for await (const { index, event } of runs) {
    if ('logprob' in event) pending.set(index, [...(pending.get(index) ?? []), event.logprob]);
    else if ('delta' in event) yield chunk(index, event.delta, null, taken(index));
    else if ('finish' in event) {
      pending.delete(index);
      yield chunk(index, '', event.finish.reason);
      usage = addUsage(usage, usageOf(event.finish));
    }
  }
  if (options.includeUsage) yield { ...meta, object: 'text_completion', choices: [], usage };
}

export function embeddingData(vectors: readonly number[][], format: 'float' | 'base64') {
  return vectors.map((vector, index) => ({
    object: 'embedding',
    index,
    embedding: format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
  }));
}

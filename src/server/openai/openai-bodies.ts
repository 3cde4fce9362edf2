import { randomBytes } from 'node:crypto';
import type { GenerationEvent } from '../../engine/engine.js';

/** What every response and chunk of one completion shares. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export function completionMeta(prefix: 'chatcmpl' | 'cmpl', model: string): CompletionMeta {
  return { id: `${prefix}-${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Generated {
  text: string;
  finishReason: 'stop' | 'length';
  usage: Usage;
}

export function usageOf(finish: { promptTokens: number; completionTokens: number }): Usage {
  return { prompt_tokens: finish.promptTokens, completion_tokens: finish.completionTokens, total_tokens: finish.promptTokens + finish.completionTokens };
}

const NO_USAGE: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

function addUsage(a: Usage, b: Usage): Usage {
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

/** Gathers every run's text and finish, by run index, consuming the runs to their end. */
export async function collectRuns(runs: AsyncIterable<{ index: number; event: GenerationEvent }>): Promise<Generated[]> {
  const texts: string[] = [];
  const results: Generated[] = [];
  for await (const { index, event } of runs) {
    if ('delta' in event) texts[index] = (texts[index] ?? '') + event.delta;
    else results[index] = { text: texts[index] ?? '', finishReason: event.finish.reason, usage: usageOf(event.finish) };
  }
  return results;
}

export function chatCompletionBody(meta: CompletionMeta, generated: Generated) {
  return {
    ...meta,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: generated.text }, logprobs: null, finish_reason: generated.finishReason }],
    usage: generated.usage,
  };
}

export function textCompletionBody(meta: CompletionMeta, results: readonly Generated[]) {
  const usage = results.reduce((sum, result) => addUsage(sum, result.usage), NO_USAGE);
  return {
    ...meta,
    object: 'text_completion',
    choices: results.map((result, index) => ({ text: result.text, index, logprobs: null, finish_reason: result.finishReason })),
    usage,
  };
}

/** OpenAI's chunk sequence: a role chunk, content chunks, a finish chunk, and usage if asked. */
export async function* chatCompletionChunks(meta: CompletionMeta, events: AsyncIterable<GenerationEvent>, includeUsage: boolean) {
  const chunk = (delta: object, finishReason: string | null) => ({
    ...meta,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  yield chunk({ role: 'assistant', content: '' }, null);
  for await (const event of events) {
    if ('delta' in event) {
      yield chunk({ content: event.delta }, null);
      continue;
    }
    yield chunk({}, event.finish.reason);
    if (includeUsage) yield { ...meta, object: 'chat.completion.chunk', choices: [], usage: usageOf(event.finish) };
  }
}

export async function* textCompletionChunks(meta: CompletionMeta, runs: AsyncIterable<{ index: number; event: GenerationEvent }>, includeUsage: boolean) {
  const chunk = (index: number, text: string, finishReason: string | null) => ({
    ...meta,
    object: 'text_completion',
    choices: [{ text, index, logprobs: null, finish_reason: finishReason }],
  });
  let usage = NO_USAGE;
  for await (const { index, event } of runs) {
    if ('delta' in event) {
      yield chunk(index, event.delta, null);
      continue;
    }
    yield chunk(index, '', event.finish.reason);
    usage = addUsage(usage, usageOf(event.finish));
  }
  if (includeUsage) yield { ...meta, object: 'text_completion', choices: [], usage };
}

export function embeddingData(vectors: readonly number[][], format: 'float' | 'base64') {
  return vectors.map((vector, index) => ({
    object: 'embedding',
    index,
    embedding: format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
  }));
}

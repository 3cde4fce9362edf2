import type { Llama, LlamaGrammar, LlamaModel, Token } from 'node-llama-cpp';
import { LlamaGrammarEvaluationState } from 'node-llama-cpp';
import { RunnerError } from '../../shared/errors.js';
import type { GenerateEvent } from '../proto/generated/modelrunner/engine/v1/GenerateEvent.js';
import type { GenerateRequest__Output } from '../proto/generated/modelrunner/engine/v1/GenerateRequest.js';
import type { ChatPrompt } from './chat-prompt.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';
import type { LockstepDecoder } from './lockstep-decoder.js';
import { samplingOptions } from './sampling-options.js';
import { prepareSequence, type SequencePool } from './sequence-pool.js';
import { StopMatcher } from './stop-matcher.js';

export interface GenerationResources {
  llama: Llama;
  model: LlamaModel;
  pool: SequencePool;
  decoder: LockstepDecoder;
  chatPrompt: ChatPrompt;
  contextSize: number;
}

function promptTokens(resources: GenerationResources, request: GenerateRequest__Output): Token[] {
  const tokens =
    request.prompt === 'chat'
      ? resources.chatPrompt.tokenize(request.chat?.messages ?? [])
      : resources.model.tokenize(request.text ?? '', true);
  if (tokens.length === 0) throw new RunnerError('invalid_request', 'the prompt is empty', { param: 'prompt' });
  if (tokens.length >= resources.contextSize) {
    throw new RunnerError(
      'context_length_exceeded',
      `the prompt has ${tokens.length} tokens, more than this model's context of ${resources.contextSize} tokens allows`,
      { param: 'messages' },
    );
  }
  return tokens;
}

async function grammarFor(resources: GenerationResources, request: GenerateRequest__Output): Promise<LlamaGrammar | undefined> {
  if (!request.jsonSchema && !request.jsonObject) return undefined;
  // A finished grammar allows only end-of-generation tokens; a model with none (an encoder such as
  // BERT) then samples a token the grammar rejects, which fails inside node-llama-cpp's batch
  // dispatch where no caller can catch it, and the worker dies.
  const { eos, eot } = resources.model.tokens;
  if (eos === null && eot === null) {
    throw new RunnerError('invalid_request', 'this model has no end-of-generation token, so it cannot produce a response_format-constrained answer', { param: 'response_format' });
  }
  if (request.jsonSchema) {
    try {
      return await resources.llama.createGrammarForJsonSchema(JSON.parse(request.jsonSchema));
    } catch (error) {
      throw new RunnerError('invalid_request', `unsupported JSON schema: ${(error as Error).message}`, { param: 'response_format' });
    }
  }
  return resources.llama.getGrammarFor('json');
}

/**
 * Generates on a pooled sequence: text deltas as they are decoded, then one finish event. Stops at
 * an end-of-generation token (unless ignored), a stop string, max tokens, the end of the context,
 * or when the signal aborts (the caller went away).
 */
export async function* generateText(
  resources: GenerationResources,
  request: GenerateRequest__Output,
  signal: AbortSignal,
): AsyncGenerator<GenerateEvent> {
  const prompt = promptTokens(resources, request);
  const grammar = await grammarFor(resources, request);
  const room = resources.contextSize - prompt.length;
  const maxTokens = request.maxTokens > 0 ? Math.min(request.maxTokens, room) : room;
  const sequence = await resources.pool.acquire(prompt, signal);
  const generated: Token[] = [];
  const stops = new StopMatcher(request.stop);
  const detokenizer = new IncrementalDetokenizer(resources.model);
  let reason = 'length';
  let stoppedByString = false;
  let evaluation: ReturnType<typeof sequence.evaluate> | undefined;
  try {
    const input = await prepareSequence(sequence, prompt);
    const state = grammar ? new LlamaGrammarEvaluationState({ model: resources.model, grammar }) : undefined;
    evaluation = sequence.evaluate(input, samplingOptions(request.sampling, generated, state));
    for await (const token of resources.decoder.run(evaluation)) {
      if (signal.aborted) break;
      const endOfGeneration = resources.model.isEogToken(token);
      if (endOfGeneration && !request.ignoreEos) {
        reason = 'stop';
        break;
      }
      generated.push(token);
      const { emit, stopped } = stops.push(endOfGeneration ? '' : detokenizer.push(token));
      if (emit) yield { delta: emit };
      if (stopped) {
        reason = 'stop';
        stoppedByString = true;
        break;
      }
      if (generated.length >= maxTokens) break;
    }
    const held = stoppedByString ? '' : stops.flush();
    if (held) yield { delta: held };
    yield { finish: { reason, promptTokens: prompt.length, completionTokens: generated.length } };
  } finally {
    // The sequence goes back only once its evaluation has fully stopped; otherwise the next request
    // could rewind it while the last token is still being written to the KV cache.
    await evaluation?.return().catch(() => undefined);
    resources.pool.release(sequence);
  }
}

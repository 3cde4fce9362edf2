import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Llama, LlamaGrammar, LlamaModel, Token } from 'node-llama-cpp';
import { LlamaGrammarEvaluationState } from 'node-llama-cpp';
import { RunnerError } from '../../shared/errors.js';
import type { FinishReason } from '../engine.js';
import type { GenerateEvent } from '../proto/generated/modelrunner/engine/v1/GenerateEvent.js';
import type { GenerateRequest__Output } from '../proto/generated/modelrunner/engine/v1/GenerateRequest.js';
import type { ChatPrompt } from './chat-prompt.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';
import type { LockstepDecoder } from './lockstep-decoder.js';
import { samplingOptions } from './sampling-options.js';
import { prepareSequence, type SequencePool } from './sequence-pool.js';
import { StopMatcher } from './stop-matcher.js';
import { tokenLogprob } from './token-logprobs.js';
import { ALPHANUMERIC, type ToolFamily } from './tool-family.js';
import { toolPlan, type ToolPlan } from './tool-plan.js';

/** OpenAI's bound on top_logprobs. */
const MAX_TOP_LOGPROBS = 20;

/**
 * llama.cpp's JSON grammar (json_object mode), as node-llama-cpp ships it. Its own
 * `getGrammarFor('json')` looks for it in a clone of llama.cpp when the binary is a build from
 * source, and `npm run build:llama` keeps only the binaries.
 */
const JSON_GRAMMAR = join(dirname(createRequire(import.meta.url).resolve('node-llama-cpp')), '..', 'llama', 'grammars', 'json.gbnf');

export interface GenerationResources {
  llama: Llama;
  model: LlamaModel;
  pool: SequencePool;
  decoder: LockstepDecoder;
  chatPrompt: ChatPrompt;
  contextSize: number;
}

function promptTokens(resources: GenerationResources, request: GenerateRequest__Output, tools: ToolPlan | undefined): Token[] {
  const chat = request.chat;
  const tokens =
    request.prompt === 'chat'
      ? resources.chatPrompt.tokenize(chat?.messages ?? [], tools ? (chat?.tools ?? []) : [], tools?.prefill)
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

async function grammarFor(resources: GenerationResources, request: GenerateRequest__Output, tools: ToolPlan | undefined): Promise<LlamaGrammar | undefined> {
  const schema = tools?.schema ?? (request.jsonSchema ? JSON.parse(request.jsonSchema) : undefined);
  if (!schema && !request.jsonObject) return undefined;
  const param = tools?.schema ? 'tools' : 'response_format';
  // A finished grammar allows only end-of-generation tokens; a model with none (an encoder such as
  // BERT) then samples a token the grammar rejects, which fails inside node-llama-cpp's batch
  // dispatch where no caller can catch it, and the worker dies.
  const { eos, eot } = resources.model.tokens;
  if (eos === null && eot === null) {
    throw new RunnerError('invalid_request', `this model has no end-of-generation token, so it cannot produce a ${param}-constrained answer`, { param });
  }
  if (schema) {
    try {
      return await resources.llama.createGrammarForJsonSchema(schema);
    } catch (error) {
      throw new RunnerError('invalid_request', `unsupported JSON schema: ${(error as Error).message}`, { param });
    }
  }
  return resources.llama.createGrammar({ grammar: await readFile(JSON_GRAMMAR, 'utf8') });
}

/** Mistral's templates refuse any call id but nine letters and digits; the rest take OpenAI's form. */
function callId(family: ToolFamily): string {
  if (family === 'mistral') return [...randomBytes(9)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
  return `call_${randomBytes(12).toString('hex')}`;
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
  const tools = request.prompt === 'chat' && request.chat ? toolPlan(resources.chatPrompt, request.chat) : undefined;
  const prompt = promptTokens(resources, request, tools);
  const grammar = await grammarFor(resources, request, tools);
  const room = resources.contextSize - prompt.length;
  const maxTokens = request.maxTokens > 0 ? Math.min(request.maxTokens, room) : room;
  const sequence = await resources.pool.acquire(prompt, signal);
  const generated: Token[] = [];
  const stops = new StopMatcher(request.stop);
  const detokenizer = new IncrementalDetokenizer(resources.model, tools?.preserved);
  const probabilities: ReadonlyMap<Token, number>[] = [];
  const topLogprobs = Math.min(request.topLogprobs, MAX_TOP_LOGPROBS);
  const content = (text: string): string => (tools ? tools.stream.push(text) : text);
  let reason: FinishReason = 'length';
  let stopSequence = '';
  let evaluation: TokenSource | undefined;
  try {
    const input = await prepareSequence(sequence, prompt);
    const state = grammar ? new LlamaGrammarEvaluationState({ model: resources.model, grammar }) : undefined;
    const options = samplingOptions(request.sampling, generated, state);
    evaluation = request.logprobs
      ? withProbabilities(sequence.evaluateWithMetadata(input, { probabilities: true }, options), probabilities)
      : sequence.evaluate(input, options);
    for await (const token of resources.decoder.run(evaluation)) {
      if (signal.aborted) break;
      const endOfGeneration = resources.model.isEogToken(token);
      if (endOfGeneration && !request.ignoreEos) {
        reason = 'stop';
        break;
      }
      generated.push(token);
      const sampled = probabilities.shift();
      if (sampled) yield { logprob: tokenLogprob(resources.model, token, sampled, topLogprobs, [generated.at(-2) ?? prompt.at(-1)!]) };
      const { emit, stop } = stops.push(endOfGeneration ? '' : detokenizer.push(token));
      const text = content(emit);
      if (text) yield { delta: text };
      if (stop !== undefined) {
        reason = 'stop';
        stopSequence = stop;
        break;
      }
      if (generated.length >= maxTokens) break;
    }
    const held = content(stopSequence ? '' : stops.flush());
    if (held) yield { delta: held };
    if (tools) {
      const { content: rest, calls } = tools.stream.finish();
      if (rest) yield { delta: rest };
      for (const call of tools.parallel ? calls : calls.slice(0, 1)) yield { toolCall: { id: callId(resources.chatPrompt.family), ...call } };
      if (calls.length > 0) reason = 'tool_calls';
    }
    yield { finish: { reason, promptTokens: prompt.length, completionTokens: generated.length, stopSequence } };
  } finally {
    // The sequence goes back only once its evaluation has fully stopped; otherwise the next request
    // could rewind it while the last token is still being written to the KV cache.
    await evaluation?.return().catch(() => undefined);
    resources.pool.release(sequence);
  }
}

type TokenSource = AsyncGenerator<Token, void, void | Token | Token[]>;

/** Tokens from an evaluation that also samples probabilities, which go into `sink` in step. */
async function* withProbabilities(
  evaluation: AsyncGenerator<{ token: Token; probabilities: Map<Token, number> }, void, void | Token | Token[]>,
  sink: ReadonlyMap<Token, number>[],
): TokenSource {
  for await (const output of evaluation) {
    sink.push(output.probabilities);
    yield output.token;
  }
}

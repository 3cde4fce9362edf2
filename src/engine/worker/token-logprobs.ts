import type { LlamaModel, Token } from 'node-llama-cpp';
import type { TokenLogprob } from '../proto/generated/modelrunner/engine/v1/TokenLogprob.js';
import type { TokenProbability } from '../proto/generated/modelrunner/engine/v1/TokenProbability.js';

/** OpenAI's floor for a token the sampler gave no chance. */
const LOGPROB_FLOOR = -9999;

function tokenProbability(model: LlamaModel, token: Token, probability: number): TokenProbability {
  const text = model.detokenize([token], true);
  return { token: text, logprob: probability > 0 ? Math.max(Math.log(probability), LOGPROB_FLOOR) : LOGPROB_FLOOR, bytes: Buffer.from(text, 'utf8') };
}

/**
 * A sampled token's log probability and its `top` most likely alternatives, from the distribution
 * the sampler drew from (after temperature, top-k and top-p, as llama-server reports by default).
 */
export function tokenLogprob(model: LlamaModel, token: Token, probabilities: ReadonlyMap<Token, number>, top: number): TokenLogprob {
  const alternatives: TokenProbability[] = [];
  for (const [candidate, probability] of probabilities) {
    if (alternatives.length >= top) break;
    alternatives.push(tokenProbability(model, candidate, probability));
  }
  return { sampled: tokenProbability(model, token, probabilities.get(token) ?? 0), top: alternatives };
}

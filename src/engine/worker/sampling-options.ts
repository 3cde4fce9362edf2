import type { LlamaGrammarEvaluationState, SequenceEvaluateOptions, Token } from 'node-llama-cpp';
import type { Sampling__Output } from '../proto/generated/modelrunner/engine/v1/Sampling.js';

/** llama-server's default, which DMR clients get when they send no temperature. */
const DEFAULT_TEMPERATURE = 0.8;

export function samplingOptions(
  sampling: Sampling__Output | null,
  generated: Token[],
  grammar: LlamaGrammarEvaluationState | undefined,
): SequenceEvaluateOptions {
  const options: SequenceEvaluateOptions = {
    temperature: sampling?.temperature ?? DEFAULT_TEMPERATURE,
    yieldEogToken: true,
  };
  if (sampling?.topP !== undefined) options.topP = sampling.topP;
  if (sampling?.topK !== undefined) options.topK = sampling.topK;
  if (sampling?.minP !== undefined) options.minP = sampling.minP;
  if (sampling?.seed !== undefined) options.seed = sampling.seed;
  if (grammar) options.grammarEvaluationState = grammar;
  const presencePenalty = sampling?.presencePenalty ?? 0;
  const frequencyPenalty = sampling?.frequencyPenalty ?? 0;
  if (presencePenalty !== 0 || frequencyPenalty !== 0) {
    options.repeatPenalty = { punishTokens: () => generated, penalty: 1, presencePenalty, frequencyPenalty };
  }
  return options;
}

import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { RunnerError } from '../../shared/errors.js';

export interface Embeddings {
  vectors: number[][];
  promptTokens: number;
}

/** llama-server normalises /v1/embeddings vectors to unit length (L2); so do we. */
function normalise(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm > 0 ? vector.map((value) => value / norm) : [...vector];
}

export async function embedTexts(model: LlamaModel, context: LlamaEmbeddingContext, contextSize: number, inputs: readonly string[]): Promise<Embeddings> {
  const tokenized = inputs.map((input) => model.tokenize(input, true));
  for (const [index, tokens] of tokenized.entries()) {
    // What node-llama-cpp evaluates: the tokens with the start and end tokens it adds, which must fit in the context.
    const length = context.calculateInputLength(tokens);
    if (length >= contextSize) {
      throw new RunnerError(
        'context_length_exceeded',
        `input ${index} has ${length} tokens, more than this model's context of ${contextSize} tokens allows`,
        { param: 'input' },
      );
    }
  }
  const vectors: number[][] = [];
  for (const tokens of tokenized) vectors.push(normalise((await context.getEmbeddingFor(tokens)).vector));
  return { vectors, promptTokens: tokenized.reduce((sum, tokens) => sum + tokens.length, 0) };
}

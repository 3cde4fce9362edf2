import { LlamaVocabularyType, type LlamaModel, type Token } from 'node-llama-cpp';
import { RunnerError } from '../../shared/errors.js';
import type { Embedder } from './embedder.js';

export interface Embeddings {
  vectors: number[][];
  promptTokens: number;
}

/** llama-server normalises /v1/embeddings vectors to unit length (L2); so do we. */
function normalise(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm > 0 ? vector.map((value) => value / norm) : [...vector];
}

/** The token llama.cpp's tokenizer puts before an input for this vocabulary (llama_tokenize with add_special). */
function startToken(model: LlamaModel): Token | null {
  switch (model.vocabularyType) {
    case LlamaVocabularyType.wpm:
      return model.tokens.bos;
    case LlamaVocabularyType.rwkv:
    case LlamaVocabularyType.ugm:
      return null;
    default:
      return model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  }
}

/** The token llama.cpp's tokenizer puts after an input for this vocabulary. */
function endToken(model: LlamaModel): Token | null {
  switch (model.vocabularyType) {
    case LlamaVocabularyType.wpm:
      return model.tokens.sep;
    case LlamaVocabularyType.rwkv:
      return null;
    case LlamaVocabularyType.ugm:
      return model.tokens.eos;
    default:
      return model.tokens.shouldAppendEosToken ? model.tokens.eos : null;
  }
}

/** What llama.cpp evaluates for an input, as node-llama-cpp's embedding context prepares it. */
function withSpecialTokens(model: LlamaModel, tokens: Token[]): Token[] {
  const first = startToken(model);
  const last = endToken(model);
  return [...(first !== null && tokens[0] !== first ? [first] : []), ...tokens, ...(last !== null && tokens.at(-1) !== last ? [last] : [])];
}

export async function embedTexts(model: LlamaModel, embedder: Embedder, contextSize: number, inputs: readonly string[]): Promise<Embeddings> {
  const tokenized = inputs.map((input) => withSpecialTokens(model, model.tokenize(input, true)));
  for (const [index, tokens] of tokenized.entries()) {
    if (tokens.length >= contextSize) {
      throw new RunnerError('context_length_exceeded', `input ${index} has ${tokens.length} tokens, more than this model's context of ${contextSize} tokens allows`, {
        param: 'input',
      });
    }
  }
  const vectors = await embedder.embed(tokenized);
  return { vectors: vectors.map(normalise), promptTokens: tokenized.reduce((sum, tokens) => sum + tokens.length, 0) };
}

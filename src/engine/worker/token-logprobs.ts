import type { LlamaModel, Token } from 'node-llama-cpp';
import { gpt2PieceBytes } from '../../shared/gpt2-bytes.js';
import type { TokenLogprob } from '../proto/generated/modelrunner/engine/v1/TokenLogprob.js';
import type { TokenProbability } from '../proto/generated/modelrunner/engine/v1/TokenProbability.js';

/** OpenAI's floor for a token the sampler gave no chance. */
const LOGPROB_FLOOR = -9999;

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/**
 * A token's own bytes, from its vocabulary piece: a token may hold part of a UTF-8 character,
 * which its text cannot show (it decodes to U+FFFD) and `bytes` exists for. Byte-level BPE pieces
 * (GPT-2's) map back through bytes_to_unicode, SentencePiece's byte-fallback pieces are `<0xNN>`;
 * any other token's bytes are its text's.
 */
function tokenBytes(model: LlamaModel, token: Token, text: string): number[] {
  const { model: kind, tokens } = model.fileInfo.metadata.tokenizer?.ggml ?? {};
  const piece = Array.isArray(tokens) ? tokens[token] : undefined;
  if (typeof piece === 'string') {
    if (kind === 'gpt2') {
      const bytes = gpt2PieceBytes(piece);
      if (bytes) return bytes;
    }
    const byte = BYTE_PIECE.exec(piece);
    if (kind === 'llama' && byte) return [Number.parseInt(byte[1]!, 16)];
  }
  return [...Buffer.from(text, 'utf8')];
}

function tokenProbability(model: LlamaModel, token: Token, probability: number, previous: readonly Token[]): TokenProbability {
  // After the token before it, so SentencePiece's leading space shows as it does in the answer.
  const text = model.detokenize([token], true, previous);
  return {
    token: text,
    logprob: probability > 0 ? Math.max(Math.log(probability), LOGPROB_FLOOR) : LOGPROB_FLOOR,
    bytes: Buffer.from(tokenBytes(model, token, text)),
  };
}

/**
 * A sampled token's log probability and its `top` most likely alternatives, from the distribution
 * the sampler drew from (after temperature, top-k and top-p, as llama-server reports by default).
 * `previous` is the token before it.
 */
export function tokenLogprob(model: LlamaModel, token: Token, probabilities: ReadonlyMap<Token, number>, top: number, previous: readonly Token[]): TokenLogprob {
  const alternatives: TokenProbability[] = [];
  for (const [candidate, probability] of probabilities) {
    if (alternatives.length >= top) break;
    alternatives.push(tokenProbability(model, candidate, probability, previous));
  }
  return { sampled: tokenProbability(model, token, probabilities.get(token) ?? 0, previous), top: alternatives };
}

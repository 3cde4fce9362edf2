import { byteToUnicode } from '../shared/gpt2-bytes.js';
import { COMMON_WORDS } from './common-words.js';
import type { GgufMetadataEntry } from './gguf-types.js';
import { boolEntry, i32ArrayEntry, stringArrayEntry, stringEntry, u32Entry } from './metadata-entries.js';

// Ids 0-2 as in SmolLM2's tokenizer: ChatML markers plus the GPT-2 end-of-text token.
const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;
const UNKNOWN_ID = 0;
const BOS_ID = 1;
const EOS_ID = 2;
const TOKEN_TYPE_NORMAL = 1;
const TOKEN_TYPE_CONTROL = 3;
const FILLER_ALPHABET = 'etaoinshrdlcumwfgypbvkjxqz';
// llama.cpp rejects unknown names ("gpt2" among them), and most known ones, "default" and
// "llama-bpe" included, also strip spaces before punctuation when detokenizing; "smollm" does not,
// so text round-trips exactly.
const PRE_TOKENIZER = 'smollm';

/**
 * A GPT-2 style byte-level BPE vocabulary of exactly vocabSize tokens. Every byte has a token, so
 * any UTF-8 text round-trips; merges (common words first, then systematic letter runs) fill the rest.
 */
export function byteBpeTokenizer(vocabSize: number, chatTemplate: string): GgufMetadataEntry[] {
  const byteSymbols = Array.from({ length: 256 }, (_, byte) => byteToUnicode(byte));
  const baseTokens: string[] = [...SPECIAL_TOKENS, ...byteSymbols];
  if (vocabSize < baseTokens.length) throw new RangeError(`a byte-level BPE vocabulary needs at least ${baseTokens.length} tokens`);
  const merges = generateMerges(new Set(baseTokens), vocabSize - baseTokens.length);
  const tokens = baseTokens.concat(merges.map((merge) => merge.replace(' ', '')));
  const tokenTypes = tokens.map((_, id) => (id < SPECIAL_TOKENS.length ? TOKEN_TYPE_CONTROL : TOKEN_TYPE_NORMAL));
  return [
    stringEntry('tokenizer.ggml.model', 'gpt2'),
    stringEntry('tokenizer.ggml.pre', PRE_TOKENIZER),
    stringArrayEntry('tokenizer.ggml.tokens', tokens),
    i32ArrayEntry('tokenizer.ggml.token_type', tokenTypes),
    stringArrayEntry('tokenizer.ggml.merges', merges),
    u32Entry('tokenizer.ggml.bos_token_id', BOS_ID),
    u32Entry('tokenizer.ggml.eos_token_id', EOS_ID),
    u32Entry('tokenizer.ggml.unknown_token_id', UNKNOWN_ID),
    u32Entry('tokenizer.ggml.padding_token_id', EOS_ID),
    boolEntry('tokenizer.ggml.add_bos_token', false),
    stringEntry('tokenizer.chat_template', chatTemplate),
  ];
}

/** Merges as "left right", each joining two existing tokens into a new one. */
function generateMerges(known: Set<string>, count: number): string[] {
  const merges: string[] = [];
  const add = (left: string, right: string): void => {
    if (merges.length < count && !known.has(left + right)) {
      known.add(left + right);
      merges.push(`${left} ${right}`);
    }
  };
  const space = byteToUnicode(0x20);
  for (const word of COMMON_WORDS) {
    for (const variant of [space + word, word]) {
      for (let end = 2; end <= variant.length; end++) add(variant.slice(0, end - 1), variant.charAt(end - 1));
    }
  }
  let frontier = [space, ...FILLER_ALPHABET];
  while (merges.length < count) {
    frontier = frontier.flatMap((prefix) =>
      [...FILLER_ALPHABET].map((letter) => {
        add(prefix, letter);
        return prefix + letter;
      }),
    );
  }
  return merges;
}

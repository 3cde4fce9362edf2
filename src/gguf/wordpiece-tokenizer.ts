import { COMMON_WORDS } from './common-words.js';
import type { GgufMetadataEntry } from './gguf-types.js';
import { i32ArrayEntry, stringArrayEntry, stringEntry, u32Entry } from './metadata-entries.js';

// BERT's fixed special ids, which llama.cpp's WPM tokenizer also assumes by default.
const PAD_ID = 0;
const UNK_ID = 100;
const CLS_ID = 101;
const SEP_ID = 102;
const MASK_ID = 103;
const SPECIALS = new Map([
  [PAD_ID, '[PAD]'],
  [UNK_ID, '[UNK]'],
  [CLS_ID, '[CLS]'],
  [SEP_ID, '[SEP]'],
  [MASK_ID, '[MASK]'],
]);
/** Segment ids ("sentence A/B"); llama.cpp only ever uses the first. */
export const TOKEN_TYPE_COUNT = 2;
const TOKEN_TYPE_NORMAL = 1;
const TOKEN_TYPE_CONTROL = 3;
/** llama.cpp stores WordPiece vocabularies with "▁" marking word starts instead of "##" on continuations. */
const WORD_START = '\u2581';
const SUFFIXES = ['s', 'ed', 'ing', 'er', 'ly', 'est', 'tion'];

/** A BERT WordPiece vocabulary of exactly vocabSize tokens, padded with [unusedN] like BERT's own. */
export function wordPieceTokenizer(vocabSize: number): GgufMetadataEntry[] {
  const pieces = wordPieces();
  const tokens: string[] = [];
  let unused = 0;
  for (let id = 0; id < vocabSize; id++) {
    tokens.push(SPECIALS.get(id) ?? (id > MASK_ID ? pieces[id - MASK_ID - 1] : undefined) ?? `[unused${unused++}]`);
  }
  return [
    stringEntry('tokenizer.ggml.model', 'bert'),
    stringArrayEntry('tokenizer.ggml.tokens', tokens),
    i32ArrayEntry('tokenizer.ggml.token_type', tokens.map((_, id) => (SPECIALS.has(id) ? TOKEN_TYPE_CONTROL : TOKEN_TYPE_NORMAL))),
    u32Entry('tokenizer.ggml.token_type_count', TOKEN_TYPE_COUNT),
    u32Entry('tokenizer.ggml.unknown_token_id', UNK_ID),
    u32Entry('tokenizer.ggml.cls_token_id', CLS_ID),
    u32Entry('tokenizer.ggml.seperator_token_id', SEP_ID), // sic: llama.cpp's key is misspelt
    u32Entry('tokenizer.ggml.padding_token_id', PAD_ID),
    u32Entry('tokenizer.ggml.mask_token_id', MASK_ID),
  ];
}

/** Single characters (as word starts and continuations) so any ASCII word tokenizes, then whole words. */
function wordPieces(): string[] {
  const characters = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));
  return [
    ...characters.flatMap((character) => [WORD_START + character, character]),
    ...COMMON_WORDS.filter((word) => word.length > 1).map((word) => WORD_START + word),
    ...SUFFIXES.filter((suffix) => suffix.length > 1),
  ];
}

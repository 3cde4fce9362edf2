import { describe, expect, it } from 'vitest';
import { byteBpeTokenizer } from './byte-bpe-tokenizer.js';
import { CHAT_TEMPLATES } from '../shared/chat-templates.js';
import type { GgufArray, GgufMetadataEntry } from './gguf-types.js';
import { wordPieceTokenizer } from './wordpiece-tokenizer.js';

function values(entries: GgufMetadataEntry[], key: string): unknown[] {
  const entry = entries.find((candidate) => candidate.key === key);
  return (entry?.value as GgufArray | undefined)?.values ?? [];
}

function scalar(entries: GgufMetadataEntry[], key: string): unknown {
  return entries.find((candidate) => candidate.key === key)?.value;
}

describe('byteBpeTokenizer', () => {
  it.each([1024, 49152, 128256])('builds exactly %d unique tokens', (size) => {
    const tokens = values(byteBpeTokenizer(size, CHAT_TEMPLATES.chatml), 'tokenizer.ggml.tokens');
    expect(tokens).toHaveLength(size);
    // llama.cpp asserts (aborting the process) when two ids share a text.
    expect(new Set(tokens).size).toBe(size);
  });

  it('has a token for every byte, so any UTF-8 text can be encoded', () => {
    const tokens = new Set(values(byteBpeTokenizer(512, CHAT_TEMPLATES.chatml), 'tokenizer.ggml.tokens'));
    expect(tokens.has('Ġ')).toBe(true); // space
    expect(tokens.has('Ċ')).toBe(true); // newline
    expect(tokens.has('ð')).toBe(true); // 0xF0, the lead byte of emoji
    expect([...tokens].filter((token) => [...(token as string)].length === 1)).toHaveLength(256);
  });

  it('only merges pairs of earlier tokens into later tokens', () => {
    const entries = byteBpeTokenizer(4096, CHAT_TEMPLATES.chatml);
    const ids = new Map(values(entries, 'tokenizer.ggml.tokens').map((token, id) => [token, id]));
    const merges = values(entries, 'tokenizer.ggml.merges') as string[];
    expect(merges.length).toBe(4096 - 259);
    for (const merge of merges) {
      const [left = '', right = ''] = merge.split(' ');
      const result = ids.get(left + right) ?? -1;
      expect(ids.get(left)).toBeLessThan(result);
      expect(ids.get(right)).toBeLessThan(result);
    }
    expect(ids.has('Ġthe')).toBe(true);
  });

  it('marks the ChatML tokens as control tokens and uses them as bos and eos', () => {
    const entries = byteBpeTokenizer(1024, CHAT_TEMPLATES.chatml);
    expect(values(entries, 'tokenizer.ggml.token_type').slice(0, 4)).toEqual([3, 3, 3, 1]);
    expect(scalar(entries, 'tokenizer.ggml.bos_token_id')).toBe(1);
    expect(scalar(entries, 'tokenizer.ggml.eos_token_id')).toBe(2);
    expect(scalar(entries, 'tokenizer.chat_template')).toContain("'<|im_start|>assistant\\n'");
  });
});

describe('wordPieceTokenizer', () => {
  it('puts the BERT specials at their usual ids within exactly the requested size', () => {
    const tokens = values(wordPieceTokenizer(30522), 'tokenizer.ggml.tokens');
    expect(tokens).toHaveLength(30522);
    expect(new Set(tokens).size).toBe(30522);
    expect([tokens[0], tokens[100], tokens[101], tokens[102], tokens[103]]).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(tokens).toContain('\u2581hello');
  });
});

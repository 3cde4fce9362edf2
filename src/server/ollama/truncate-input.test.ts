import { describe, expect, it } from 'vitest';
import { truncatedToContext } from './truncate-input.js';

/** One token a word, as a stand-in for the engine's tokenizer. */
const words = async (text: string) => text.split(' ').filter(Boolean).map((_, index) => index);

describe('truncatedToContext', () => {
  it('leaves an input that fits the context as it is', async () => {
    expect(await truncatedToContext(words, 'one two three', 3)).toBe('one two three');
  });

  it('cuts an input that is too long to the longest prefix whose tokens fit', async () => {
    const cut = await truncatedToContext(words, 'one two three four five', 3);
    expect(cut).toBe('one two three ');
    expect((await words(cut)).length).toBe(3);
  });

  it('never splits a character that takes two UTF-16 units', async () => {
    const perCodePoint = async (text: string) => Array.from(text).map((_, index) => index);
    expect(await truncatedToContext(perCodePoint, '😀😀😀', 2)).toBe('😀😀');
  });
});

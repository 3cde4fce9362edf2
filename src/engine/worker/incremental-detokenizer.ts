import type { LlamaModel, Token } from 'node-llama-cpp';

/**
 * Turns generated tokens into text deltas. A byte-level token may end inside a multi-byte UTF-8
 * character; such tokens are held until the character is complete, so no delta carries U+FFFD.
 */
export class IncrementalDetokenizer {
  readonly #model: LlamaModel;
  #held: Token[] = [];
  #previous: Token[] = [];

  constructor(model: LlamaModel) {
    this.#model = model;
  }

  push(token: Token): string {
    this.#held.push(token);
    const text = this.#model.detokenize(this.#held, false, this.#previous);
    if (text.endsWith('\uFFFD') && this.#held.length < 4) return '';
    this.#previous = this.#held.slice(-4);
    this.#held = [];
    return text;
  }
}

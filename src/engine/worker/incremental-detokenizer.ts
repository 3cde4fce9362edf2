import type { LlamaModel, Token } from 'node-llama-cpp';

/**
 * Turns generated tokens into text deltas. A byte-level token may end inside a multi-byte UTF-8
 * character; such tokens are held until the character is complete, so no delta carries U+FFFD.
 */
export class IncrementalDetokenizer {
  readonly #model: LlamaModel;
  readonly #preserved: ReadonlySet<Token>;
  #held: Token[] = [];
  #previous: Token[] = [];

  /** `preserved` control tokens are kept as their text (tool-call markers); the rest are dropped. */
  constructor(model: LlamaModel, preserved: ReadonlySet<Token> = new Set()) {
    this.#model = model;
    this.#preserved = preserved;
  }

  push(token: Token): string {
    if (this.#preserved.has(token)) {
      const before = this.#held.length > 0 ? this.#model.detokenize(this.#held, false, this.#previous) : '';
      this.#held = [];
      this.#previous = [token];
      return before + this.#model.detokenize([token], true);
    }
    this.#held.push(token);
    const text = this.#model.detokenize(this.#held, false, this.#previous);
    if (text.endsWith('\uFFFD') && this.#held.length < 4) return '';
    this.#previous = this.#held.slice(-4);
    this.#held = [];
    return text;
  }
}

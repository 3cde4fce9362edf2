import { callStart, parseToolCalls, type ParsedCall, type ToolFamily } from './tool-family.js';

/**
 * Splits a streamed answer into content and tool calls. Content streams until a call may begin;
 * from there the text is held, and parsed once the answer is complete. Held text that turns out
 * not to be a call in the family's syntax is given back as content, so nothing the model wrote is lost.
 */
export class ToolCallStream {
  readonly #family: ToolFamily;
  #held = '';
  #inCall = false;
  /** Some text other than whitespace went out as content. */
  #contentStreamed = false;

  /** `prefill` is text the prompt already made the answer start with (a forced call's opening). */
  constructor(family: ToolFamily, prefill = '') {
    this.#family = family;
    this.#held = prefill;
    this.#inCall = prefill !== '';
  }

  push(text: string): string {
    this.#held += text;
    if (this.#inCall) return '';
    const start = callStart(this.#family, this.#held, this.#contentStreamed);
    if (start === undefined) return this.#release(this.#held.length);
    if ('at' in start) {
      this.#inCall = true;
      return this.#release(start.at);
    }
    return this.#release(start.maybe);
  }

  /** At the end of the answer: the content still held, and the calls. */
  finish(): { content: string; calls: ParsedCall[] } {
    const held = this.#held;
    this.#held = '';
    if (!this.#inCall) return { content: held, calls: [] };
    const parsed = parseToolCalls(this.#family, held);
    return parsed ?? { content: held, calls: [] };
  }

  #release(length: number): string {
    const out = this.#held.slice(0, length);
    this.#held = this.#held.slice(length);
    if (out.trim() !== '') this.#contentStreamed = true;
    return out;
  }
}

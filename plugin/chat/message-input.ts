const QUOTES = '"""';

/**
 * Gathers the lines the user types into one message, as DMR's REPL does: a line starting with
 * `"""` opens a multi-line message that runs until a line ending with `"""`.
 */
export class MessageInput {
  #text = '';
  #open = false;

  /** True inside a `"""` message: the prompt shows that more is expected and commands are text. */
  get continuing(): boolean {
    return this.#open;
  }

  /** Adds a line; returns the whole message once it is complete (possibly empty), else undefined. */
  push(line: string): string | undefined {
    if (this.#open) {
      const closed = line.endsWith(QUOTES);
      this.#text += closed ? line.slice(0, -QUOTES.length) : `${line}\n`;
      if (!closed) return undefined;
    } else if (line.startsWith(QUOTES)) {
      const rest = line.slice(QUOTES.length);
      const closed = rest.endsWith(QUOTES);
      this.#text = closed ? rest.slice(0, -QUOTES.length) : `${rest}\n`;
      this.#open = !closed;
      if (!closed) return undefined;
    } else {
      this.#text = line;
    }
    const message = this.#text;
    this.reset();
    return message;
  }

  reset(): void {
    this.#text = '';
    this.#open = false;
  }
}

/**
 * Finds OpenAI `stop` strings in streamed text. Text that could be the start of a stop string is
 * held back until it is known not to be one, so a stop string never reaches the client, even when
 * it arrives split across tokens.
 */
export class StopMatcher {
  readonly #stops: readonly string[];
  #pending = '';

  constructor(stops: readonly string[]) {
    this.#stops = stops.filter((stop) => stop.length > 0);
  }

  /** Adds text; returns what may be emitted and the stop string reached, if one was. */
  push(text: string): { emit: string; stop: string | undefined } {
    const buffered = this.#pending + text;
    let firstStop = -1;
    let reached: string | undefined;
    for (const stop of this.#stops) {
      const at = buffered.indexOf(stop);
      if (at >= 0 && (firstStop < 0 || at < firstStop)) {
        firstStop = at;
        reached = stop;
      }
    }
    if (reached !== undefined) {
      this.#pending = '';
      return { emit: buffered.slice(0, firstStop), stop: reached };
    }
    const hold = this.#partialMatchLength(buffered);
    this.#pending = buffered.slice(buffered.length - hold);
    return { emit: buffered.slice(0, buffered.length - hold), stop: undefined };
  }

  /** Text held back when generation ends without a stop string. */
  flush(): string {
    const rest = this.#pending;
    this.#pending = '';
    return rest;
  }

  #partialMatchLength(text: string): number {
    let longest = 0;
    for (const stop of this.#stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}

import type { Token } from 'node-llama-cpp';

export interface DecodeStep {
  sequences: number;
  /** Some sequence evaluates its prompt in this step. */
  prefilling: boolean;
}

type TokenSource = AsyncGenerator<Token, void, void | Token | Token[]>;

interface Lane {
  source: TokenSource;
  /** Its first step evaluates the whole prompt. */
  prefilled: boolean;
  tokens: Token[];
  done: boolean;
  error: unknown;
  cancelled: boolean;
  wake: (() => void) | undefined;
}

/**
 * Advances every active sequence's generation by one token per step, all in the same tick, so
 * node-llama-cpp puts them into one llama_decode batch. Left to run freely, sequences drift apart
 * and each decode carries a handful of tokens: at 8 streams that measured at half the throughput.
 * A new request joins at the next step; requests that reach an idle decoder in the same event-loop
 * turn share the first one.
 */
export class LockstepDecoder {
  readonly #lanes = new Set<Lane>();
  readonly #beforeStep: (step: DecodeStep) => void;
  #running = false;

  /** `beforeStep` hears what the next step decodes, before it runs. */
  constructor(beforeStep: (step: DecodeStep) => void = () => undefined) {
    this.#beforeStep = beforeStep;
  }

  async *run(source: TokenSource): AsyncGenerator<Token> {
    const lane: Lane = { source, prefilled: false, tokens: [], done: false, error: undefined, cancelled: false, wake: undefined };
    this.#lanes.add(lane);
    this.#start();
    try {
      for (;;) {
        const token = lane.tokens.shift();
        if (token !== undefined) yield token;
        else if (lane.error !== undefined) throw lane.error;
        else if (lane.done) return;
        else await new Promise<void>((resolve) => (lane.wake = resolve));
      }
    } finally {
      lane.cancelled = true;
    }
  }

  #start(): void {
    if (this.#running) return;
    this.#running = true;
    // Requests whose calls reached the worker together share the first step. A longer wait measured
    // no better: clients sending at once arrive milliseconds apart here, and a lone stream would pay
    // the wait in its time to first token.
    setImmediate(() => void this.#loop());
  }

  async #loop(): Promise<void> {
    while (this.#lanes.size > 0) {
      const lanes = this.#stepping();
      this.#beforeStep({ sequences: lanes.length, prefilling: lanes.some((lane) => !lane.prefilled) });
      for (const lane of lanes) lane.prefilled = true;
      const results = await Promise.allSettled(lanes.map((lane) => lane.source.next()));
      for (const [index, result] of results.entries()) this.#deliver(lanes[index]!, result);
    }
    this.#running = false;
  }

  /** Lanes whose consumer left are stopped here, between steps, and dropped. */
  #stepping(): Lane[] {
    for (const lane of this.#lanes) {
      if (!lane.cancelled) continue;
      this.#lanes.delete(lane);
      void lane.source.return().catch(() => undefined);
    }
    return [...this.#lanes];
  }

  #deliver(lane: Lane, result: PromiseSettledResult<IteratorResult<Token, void>>): void {
    if (result.status === 'rejected') lane.error = result.reason ?? new Error('generation failed');
    else if (result.value.done) lane.done = true;
    else lane.tokens.push(result.value.value);
    if (lane.done || lane.error !== undefined) this.#lanes.delete(lane);
    lane.wake?.();
    lane.wake = undefined;
  }
}

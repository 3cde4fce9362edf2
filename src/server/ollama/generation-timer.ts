import type { FinishReason, GenerationEvent } from '../../engine/engine.js';

/** Ollama's counters and durations on a generation's last object; durations in nanoseconds. */
export interface GenerationStats {
  done_reason: 'stop' | 'length';
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

export type Clock = () => number;

const nanoseconds = (ms: number) => Math.max(0, Math.round(ms * 1e6));

/** Ollama reports "stop" when the model ended with tool calls; only a cut-off answer is "length". */
function doneReason(reason: FinishReason): 'stop' | 'length' {
  return reason === 'length' ? 'length' : 'stop';
}

/**
 * Times one generation as Ollama's clients read it: loading is everything before the engine was
 * ours (the queue and the model's load), prompt evaluation lasts until the first event, and
 * evaluation from there to the end.
 */
export class GenerationTimer {
  readonly #received: number;
  readonly #clock: Clock;
  #served: number;
  #firstEvent: number | undefined;

  /** `received`: when the request arrived, by the same clock. */
  constructor(received: number, clock: Clock = () => performance.now()) {
    this.#received = received;
    this.#clock = clock;
    this.#served = received;
  }

  /** The engine is ours: loading is over. */
  served(): void {
    this.#served = this.#clock();
  }

  /** The events, passed on as they come, noting when the first arrived. */
  async *watch(events: AsyncIterable<GenerationEvent>): AsyncGenerator<GenerationEvent> {
    for await (const event of events) {
      this.#firstEvent ??= this.#clock();
      yield event;
    }
  }

  stats(finish: { reason: FinishReason; promptTokens: number; completionTokens: number }): GenerationStats {
    const now = this.#clock();
    const firstEvent = this.#firstEvent ?? now;
    return {
      done_reason: doneReason(finish.reason),
      total_duration: nanoseconds(now - this.#received),
      load_duration: nanoseconds(this.#served - this.#received),
      prompt_eval_count: finish.promptTokens,
      prompt_eval_duration: nanoseconds(firstEvent - this.#served),
      eval_count: finish.completionTokens,
      eval_duration: nanoseconds(now - firstEvent),
    };
  }

  /** An embedding's durations: Ollama reports the total and the load. */
  embedStats(): { total_duration: number; load_duration: number } {
    return { total_duration: nanoseconds(this.#clock() - this.#received), load_duration: nanoseconds(this.#served - this.#received) };
  }
}

import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp';
import { abortError } from '../../shared/abort.js';
import { WaitLine } from '../../shared/wait-line.js';

/**
 * The context's sequences, handed to one request at a time. A returned sequence keeps its KV
 * cache, so the next request reuses the longest common prompt prefix instead of evaluating it again.
 * The runner admits no more requests than there are sequences; a request that arrives while a
 * cancelled one is still finishing its last token waits for that sequence instead of failing.
 */
export class SequencePool {
  readonly #free: LlamaContextSequence[] = [];
  readonly #line = new WaitLine();
  #active = 0;

  constructor(context: LlamaContext) {
    while (context.sequencesLeft > 0) this.#free.push(context.getSequence());
  }

  get active(): number {
    return this.#active;
  }

  /**
   * Takes the free sequence whose cached tokens share the longest prefix with the prompt. A caller
   * that goes away while waiting leaves the line, so its prompt is never evaluated for nobody.
   */
  async acquire(prompt: readonly Token[], signal: AbortSignal): Promise<LlamaContextSequence> {
    while (this.#free.length === 0) await this.#line.wait(signal);
    if (signal.aborted) {
      // Our turn came as we left: pass it on, or the free sequence would wait for the next release.
      this.#line.wakeNext();
      throw abortError(signal);
    }
    let best = 0;
    let bestShared = -1;
    for (const [index, sequence] of this.#free.entries()) {
      const shared = sharedPrefix(sequence.contextTokens, prompt);
      if (shared > bestShared) [best, bestShared] = [index, shared];
    }
    this.#active++;
    return this.#free.splice(best, 1)[0]!;
  }

  release(sequence: LlamaContextSequence): void {
    this.#active--;
    this.#free.push(sequence);
    this.#line.wakeNext();
  }
}

export function sharedPrefix(a: readonly Token[], b: readonly Token[]): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a[index] === b[index]) index++;
  return index;
}

/** Drops the cached tokens after the shared prefix; returns the prompt tokens still to evaluate. */
export async function prepareSequence(sequence: LlamaContextSequence, prompt: readonly Token[]): Promise<Token[]> {
  // At least one prompt token must be evaluated to get logits for the first generated token.
  const keep = Math.min(sharedPrefix(sequence.contextTokens, prompt), prompt.length - 1);
  if (sequence.nextTokenIndex > keep) {
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  }
  return prompt.slice(keep);
}

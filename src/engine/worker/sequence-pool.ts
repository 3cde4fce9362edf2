import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp';
import { abortError } from '../../shared/abort.js';
import { WaitLine } from '../../shared/wait-line.js';

/** Makes `to` hold what `from` holds: its cached tokens and their KV cache. */
export type CopySequenceState = (from: LlamaContextSequence, to: LlamaContextSequence) => Promise<void>;

/**
 * A copy pays for every token its source holds and saves evaluating the shared prefix again. It is
 * made when it saves at least this many tokens...
 */
const MIN_COPY_GAIN = 32;
/** ...and its source holds at most this many tokens for each one it saves. */
const MAX_COPIED_PER_SAVED = 8;

/**
 * The context's sequences, handed to one request at a time. A returned sequence keeps its KV
 * cache, so the next request reuses the longest common prompt prefix instead of evaluating it again.
 * Where another sequence, free or busy, holds a much longer prefix of the prompt than any free one
 * (clients that send one system prompt at once, or a conversation's next turn while its last is in
 * use), its state is copied into the sequence handed out.
 * The runner admits no more requests than there are sequences; a request that arrives while a
 * cancelled one is still finishing its last token waits for that sequence instead of failing.
 */
export class SequencePool {
  readonly #all: LlamaContextSequence[] = [];
  readonly #free: LlamaContextSequence[] = [];
  readonly #line = new WaitLine();
  readonly #copy: CopySequenceState;
  #active = 0;

  constructor(context: LlamaContext, copy: CopySequenceState) {
    while (context.sequencesLeft > 0) this.#all.push(context.getSequence());
    this.#free.push(...this.#all);
    this.#copy = copy;
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
    const [index, shared] = longestPrefix(this.#free, prompt);
    this.#active++;
    const sequence = this.#free.splice(index, 1)[0]!;
    const [sourceIndex, sourceShared] = longestPrefix(this.#all, prompt);
    const source = this.#all[sourceIndex]!;
    const gain = sourceShared - shared;
    if (gain >= MIN_COPY_GAIN && source.contextTokens.length <= gain * MAX_COPIED_PER_SAVED) {
      // A copy that fails leaves the sequence empty, and the prompt is evaluated in full.
      await this.#copy(source, sequence)
        .catch(() => sequence.clearHistory())
        .catch((error: unknown) => {
          this.release(sequence);
          throw error;
        });
    }
    return sequence;
  }

  release(sequence: LlamaContextSequence): void {
    this.#active--;
    this.#free.push(sequence);
    this.#line.wakeNext();
  }
}

/** The index of the sequence sharing the longest prefix with the prompt, and that length. */
function longestPrefix(sequences: readonly LlamaContextSequence[], prompt: readonly Token[]): [number, number] {
  let best = 0;
  let bestShared = -1;
  for (const [index, sequence] of sequences.entries()) {
    const shared = sharedPrefix(sequence.contextTokens, prompt);
    if (shared > bestShared) [best, bestShared] = [index, shared];
  }
  return [best, bestShared];
}

function sharedPrefix(a: readonly Token[], b: readonly Token[]): number {
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

import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { SequencePool, type CopySequenceState } from './sequence-pool.js';

interface FakeSequence {
  contextTokens: Token[];
  clearHistory(): Promise<void>;
}

/** Just what the pool uses of a context: its sequences, each with its cached tokens. */
function contextWith(count: number): LlamaContext {
  let left = count;
  return {
    get sequencesLeft() {
      return left;
    },
    getSequence: (): FakeSequence => {
      left--;
      const sequence: FakeSequence = { contextTokens: [], clearHistory: async () => void (sequence.contextTokens = []) };
      return sequence;
    },
  } as unknown as LlamaContext;
}

const tokens = (count: number, from = 1) => Array.from({ length: count }, (_, i) => (from + i) as Token);

/** A copy as node-llama-cpp's state file makes it: the target holds the source's tokens. */
function recordingCopy(): { copy: CopySequenceState; copies: [LlamaContextSequence, LlamaContextSequence][] } {
  const copies: [LlamaContextSequence, LlamaContextSequence][] = [];
  const copy: CopySequenceState = async (from, to) => {
    copies.push([from, to]);
    (to as unknown as FakeSequence).contextTokens = [...from.contextTokens];
  };
  return { copy, copies };
}

/** A pool of two sequences whose first, handed out and held, has evaluated `held` tokens. */
async function poolHolding(held: Token[], copy: CopySequenceState) {
  const pool = new SequencePool(contextWith(2), copy);
  const busy = await pool.acquire(held, new AbortController().signal);
  (busy as unknown as FakeSequence).contextTokens = held;
  return { pool, busy };
}

const live = () => new AbortController().signal;
const prompt = [1 as Token];
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A pool of one sequence, held; behind it a waiter that will leave and one that stays. */
async function heldWithTwoWaiting() {
  const pool = new SequencePool(contextWith(1), recordingCopy().copy);
  const held = await pool.acquire(prompt, live());
  const leaving = new AbortController();
  const left = pool.acquire(prompt, leaving.signal);
  const next = pool.acquire(prompt, live());
  await tick();
  return { pool, held, leaving, left, next };
}

describe('SequencePool', () => {
  it('takes a waiter that leaves out of the line, so the next one gets the sequence', async () => {
    const { pool, held, leaving, left, next } = await heldWithTwoWaiting();
    leaving.abort();
    await expect(left).rejects.toBeInstanceOf(Error);
    pool.release(held);
    expect(await next).toBe(held);
  });

  it('passes a turn on when its waiter left in the same tick the sequence came free', async () => {
    const { pool, held, leaving, left, next } = await heldWithTwoWaiting();
    pool.release(held);
    leaving.abort();
    await expect(left).rejects.toBeInstanceOf(Error);
    expect(await next).toBe(held);
    expect(pool.active).toBe(1);
  });

  it('refuses a caller that already left without taking a sequence', async () => {
    const pool = new SequencePool(contextWith(1), recordingCopy().copy);
    const gone = new AbortController();
    gone.abort();
    await expect(pool.acquire(prompt, gone.signal)).rejects.toBeInstanceOf(Error);
    expect(pool.active).toBe(0);
  });

  it("copies a busy sequence's longer prompt prefix into the sequence it hands out", async () => {
    const { copy, copies } = recordingCopy();
    const systemPrompt = tokens(80);
    const { pool, busy } = await poolHolding([...systemPrompt, ...tokens(20, 500)], copy);
    const sequence = await pool.acquire([...systemPrompt, ...tokens(5, 900)], live());
    expect(copies).toEqual([[busy, sequence]]);
    expect(sequence.contextTokens.slice(0, 80)).toEqual(systemPrompt);
  });

  it('evaluates a short shared prefix again rather than copying', async () => {
    const { copy, copies } = recordingCopy();
    const { pool } = await poolHolding(tokens(40), copy);
    await pool.acquire([...tokens(31), ...tokens(5, 900)], live());
    expect(copies).toEqual([]);
  });

  it('does not copy a source holding far more tokens than the copy would save', async () => {
    const { copy, copies } = recordingCopy();
    const { pool } = await poolHolding(tokens(600), copy);
    await pool.acquire([...tokens(64), ...tokens(5, 900)], live());
    expect(copies).toEqual([]);
  });

  it('hands out an emptied sequence when the copy fails', async () => {
    const failing: CopySequenceState = async (_from, to) => {
      (to as unknown as FakeSequence).contextTokens = tokens(3, 700);
      throw new Error('disk full');
    };
    const { pool } = await poolHolding(tokens(100), failing);
    const sequence = await pool.acquire(tokens(100), live());
    expect(sequence.contextTokens).toEqual([]);
    expect(pool.active).toBe(2);
  });
});

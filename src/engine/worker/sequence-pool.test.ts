import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { SequencePool } from './sequence-pool.js';

/** Just what the pool reads of a context: its sequences, each with its cached tokens. */
function contextWith(count: number): LlamaContext {
  let left = count;
  return {
    get sequencesLeft() {
      return left;
    },
    getSequence: () => {
      left--;
      return { contextTokens: [] } as unknown as LlamaContextSequence;
    },
  } as unknown as LlamaContext;
}

const live = () => new AbortController().signal;
const prompt = [1 as Token];
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A pool of one sequence, held; behind it a waiter that will leave and one that stays. */
async function heldWithTwoWaiting() {
  const pool = new SequencePool(contextWith(1));
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
    const pool = new SequencePool(contextWith(1));
    const gone = new AbortController();
    gone.abort();
    await expect(pool.acquire(prompt, gone.signal)).rejects.toBeInstanceOf(Error);
    expect(pool.active).toBe(0);
  });
});

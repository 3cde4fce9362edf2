import { describe, expect, it } from 'vitest';
import type { Token } from 'node-llama-cpp';
import { LockstepDecoder } from './lockstep-decoder.js';

function source(name: string, count: number, log: string[], fail = false): AsyncGenerator<Token, void, void> {
  return (async function* () {
    try {
      for (let i = 0; i < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, name === 'slow' ? 5 : 1));
        log.push(`${name}${i}`);
        yield i as Token;
      }
      if (fail) throw new Error(`${name} failed`);
    } finally {
      log.push(`${name}-closed`);
    }
  })();
}

async function drain(tokens: AsyncIterable<Token>): Promise<Token[]> {
  const all: Token[] = [];
  for await (const token of tokens) all.push(token);
  return all;
}

describe('LockstepDecoder', () => {
  it('advances all sequences one token per step, together', async () => {
    const decoder = new LockstepDecoder();
    const log: string[] = [];
    const [a, b] = await Promise.all([drain(decoder.run(source('slow', 3, log))), drain(decoder.run(source('fast', 3, log)))]);
    expect(a).toEqual([0, 1, 2]);
    expect(b).toEqual([0, 1, 2]);
    const steps = log.filter((entry) => !entry.endsWith('closed'));
    for (let step = 0; step < 3; step++) expect(steps.slice(step * 2, step * 2 + 2).sort()).toEqual([`fast${step}`, `slow${step}`]);
  });

  it('lets sequences that reach an idle decoder in the same event-loop turn share its first step', async () => {
    const steps: number[] = [];
    const decoder = new LockstepDecoder((step) => steps.push(step.sequences));
    const log: string[] = [];
    const first = drain(decoder.run(source('a', 2, log)));
    await Promise.resolve();
    const second = drain(decoder.run(source('b', 2, log)));
    await Promise.all([first, second]);
    expect(steps[0]).toBe(2);
  });

  it('stops the source of a consumer that leaves', async () => {
    const decoder = new LockstepDecoder();
    const log: string[] = [];
    for await (const token of decoder.run(source('left', 100, log))) if (token === 1) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toContain('left-closed');
    expect(log.filter((entry) => entry.startsWith('left') && !entry.endsWith('closed')).length).toBeLessThan(5);
  });

  it('passes a failure to its own consumer only', async () => {
    const decoder = new LockstepDecoder();
    const log: string[] = [];
    const [failed, fine] = await Promise.allSettled([drain(decoder.run(source('bad', 2, log, true))), drain(decoder.run(source('good', 4, log)))]);
    expect(failed.status).toBe('rejected');
    expect(fine).toEqual({ status: 'fulfilled', value: [0, 1, 2, 3] });
  });
});

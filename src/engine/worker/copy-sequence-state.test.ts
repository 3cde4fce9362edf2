import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadedModel } from '../../../test/helpers/loaded-model.js';
import { copySequenceStateThroughFile } from './copy-sequence-state.js';
import { prepareSequence } from './sequence-pool.js';

const loaded = loadedModel('tiny', 'q8_0');
let context: LlamaContext;
let directory: string;

beforeAll(async () => {
  context = await loaded.model.createContext({ contextSize: 1024, sequences: 3 });
  directory = await mkdtemp(join(tmpdir(), 'sequence-copy-'));
});

afterAll(async () => {
  await context?.dispose();
  await rm(directory, { recursive: true, force: true });
});

const systemPrompt = Array.from({ length: 60 }, (_, i) => `rule ${i}`).join('; ');

/** Greedy tokens after the prompt, evaluating only what the sequence does not already hold. */
async function greedy(sequence: LlamaContextSequence, prompt: Token[], count: number): Promise<{ tokens: Token[]; evaluated: number }> {
  const input = await prepareSequence(sequence, prompt);
  const tokens: Token[] = [];
  for await (const token of sequence.evaluate(input, { temperature: 0 })) {
    tokens.push(token);
    if (tokens.length === count) break;
  }
  return { tokens, evaluated: input.length };
}

it('gives a sequence the copied prompt prefix of one paused mid-generation, and the same tokens as evaluating it', async () => {
  const [busy, copy, fresh] = [context.getSequence(), context.getSequence(), context.getSequence()];
  const first = loaded.model.tokenize(`${systemPrompt}. First question?`, true);
  const second = loaded.model.tokenize(`${systemPrompt}. Another question entirely?`, true);
  const generation = busy.evaluate(first, { temperature: 0 });
  for (let step = 0; step < 5; step++) await generation.next();

  await copySequenceStateThroughFile(directory)(busy, copy);
  const copied = await greedy(copy, second, 24);
  const evaluated = await greedy(fresh, second, 24);
  await generation.return();

  expect(copied.evaluated).toBeLessThan(second.length - 100);
  expect(evaluated.evaluated).toBe(second.length);
  expect(copied.tokens).toEqual(evaluated.tokens);
  expect(await readdir(directory)).toEqual([]);
});

import { getLlama, LlamaLogLevel, type Llama, type LlamaEmbeddingContext, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generatedModel } from '../../../test/helpers/models.js';
import { createEmbedder, type Embedder } from './embedder.js';
import { addonEmbedsPerSequence } from './sequence-embedder.js';

let llama: Llama;
let model: LlamaModel;
let alone: LlamaEmbeddingContext;
/**
 * With their start and end tokens, as embedTexts hands them over: twelve of one or two words (groups
 * cut by the number of sequences), then twenty of 1 to 40 words, up to 112 tokens (groups cut by the
 * batch size).
 */
let inputs: Token[][];

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  model = await llama.loadModel({ modelPath: await generatedModel('tiny-embed', 'f16') });
  alone = await model.createEmbeddingContext({ contextSize: 128, threads: 1 });
  const words = (count: number, seed: number) => Array.from({ length: count }, (_, word) => `word${(word * 7 + seed) % 40}`).join(' ');
  const texts = [...Array.from({ length: 12 }, (_, i) => words(1 + (i % 2), i)), ...Array.from({ length: 20 }, (_, i) => words(1 + ((i * 13) % 40), i))];
  inputs = texts.map((text) => [model.tokens.bos!, ...model.tokenize(text, true), model.tokens.sep!]);
});

afterAll(async () => {
  await alone?.dispose();
  await model?.dispose();
  await llama?.dispose();
});

/** Each input embedded alone by node-llama-cpp's own embedding context: what every batch must match. */
async function oneByOne(context: LlamaEmbeddingContext = alone, tokens: readonly Token[][] = inputs): Promise<number[][]> {
  const vectors: number[][] = [];
  for (const input of tokens) vectors.push([...(await context.getEmbeddingFor(input)).vector]);
  return vectors;
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [index, vector] of actual.entries()) {
    const largest = Math.max(...vector.map((value, at) => Math.abs(value - expected[index]![at]!)));
    expect(largest, `input ${index}`).toBeLessThan(1e-3);
  }
}

/** Runs `work` on the embedder the worker would make for `target` at this context size, then disposes of it. */
async function withEmbedder<T>(target: LlamaModel, contextSize: number, work: (embedder: Embedder) => Promise<T>): Promise<T> {
  const embedder = await createEmbedder(target, { contextSize, threads: 1 });
  try {
    return await work(embedder);
  } finally {
    await embedder.dispose();
  }
}

it('has the sequence-embeddings patch in the addon that npm run build:llama built', () => {
  expect(addonEmbedsPerSequence(llama)).toBe(true);
});

it('embeds inputs several to a batch, each as it embeds alone, in input order, across groups cut by count and by the batch size', async () => {
  const expected = await oneByOne();
  expect(Math.max(...inputs.map((tokens) => tokens.length))).toBeLessThan(127);
  expect(inputs.reduce((sum, tokens) => sum + tokens.length, 0)).toBeGreaterThan(8 * 128);
  await withEmbedder(model, 128, async (embedder) => {
    expectClose(await embedder.embed(inputs), expected);
    expectClose(await embedder.embed(inputs.slice(5, 6)), expected.slice(5, 6));
  });
});

it('keeps concurrent calls apart, each answered with its own inputs', async () => {
  const expected = await oneByOne();
  await withEmbedder(model, 128, async (embedder) => {
    const [first, second] = await Promise.all([embedder.embed(inputs.slice(0, 15)), embedder.embed(inputs.slice(15))]);
    expectClose([...first, ...second], expected);
  });
});

it('embeds with a context size that no sequence count divides, where llama.cpp would abort reserving a split batch', async () => {
  const expected = await oneByOne();
  await withEmbedder(model, 127, async (embedder) => expectClose(await embedder.embed(inputs), expected));
});

it('embeds with a model that does not pool, one input per decode, as node-llama-cpp does', async () => {
  const unpooled = await llama.loadModel({ modelPath: await generatedModel('tiny', 'q8_0') });
  const texts = ['hello world', 'another text entirely', 'a third'];
  const tokens = texts.map((text) => unpooled.tokenize(text, true));
  const reference = await unpooled.createEmbeddingContext({ contextSize: 128, threads: 1 });
  try {
    const expected = await oneByOne(reference, tokens);
    await withEmbedder(unpooled, 128, async (embedder) => expectClose(await embedder.embed(tokens), expected));
  } finally {
    await reference.dispose();
    await unpooled.dispose();
  }
});

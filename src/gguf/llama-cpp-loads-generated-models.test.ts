import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, Llama, LlamaChatSession, LlamaLogLevel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from './make-model.js';
import type { ModelFileType } from './model-layout.js';

let dir: string;
let llama: Llama;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-llama-cpp-'));
  await makeModel({ preset: 'tiny', type: 'q8_0', out: join(dir, 'tiny-q8_0.gguf') });
  await makeModel({ preset: 'tiny', type: 'f16', out: join(dir, 'tiny-f16.gguf') });
  await makeModel({ preset: 'tiny-embed', type: 'f16', out: join(dir, 'tiny-embed.gguf') });
  // One thread: the models are tiny, and llama.cpp's spinning workers crawl when they outnumber cores.
  llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
});

afterAll(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const SAMPLES = [
  'Hello, world!',
  'Emoji 👋🏽 and CJK 你好世界, ありがとう',
  '  leading spaces , odd  punctuation . ? and\ttabs\nnew lines\r\n',
  'naïve café Ωμέγα ∑ \u0000 control',
];

describe.each<ModelFileType>(['q8_0', 'f16'])('llama.cpp on the tiny %s llama', (type) => {
  const loadTiny = () => llama.loadModel({ modelPath: join(dir, `tiny-${type}.gguf`) });

  it('round-trips arbitrary UTF-8 through tokenize and detokenize', async () => {
    const model = await loadTiny();
    try {
      for (const text of SAMPLES) expect(model.detokenize(model.tokenize(text))).toBe(text);
      expect(model.tokenize('<|im_start|>user', true)[0]).toBe(1);
      expect(model.tokens.eos).toBe(2);
    } finally {
      await model.dispose();
    }
  });

  it('predicts a finite next-token distribution and generates chat replies', async () => {
    const model = await loadTiny();
    const context = await model.createContext({ contextSize: 256, sequences: 2 });
    try {
      const tokens = model.tokenize('The quick brown fox');
      const last = tokens.length - 1;
      const outputs = await context
        .getSequence()
        .controlledEvaluate(tokens.map((token, i) => (i === last ? [token, { generateNext: { probabilities: true } }] : token)));
      const probabilities = [...(outputs[last]?.next.probabilities?.values() ?? [])];
      expect(probabilities).toHaveLength(1024);
      expect(probabilities.every(Number.isFinite)).toBe(true);
      expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 3);

      const session = new LlamaChatSession({ contextSequence: context.getSequence() });
      const reply = await session.prompt('Say something', { maxTokens: 8 });
      expect(typeof reply).toBe('string');
      expect(session.chatWrapper.wrapperName).toBe('ChatML');
    } finally {
      await context.dispose();
      await model.dispose();
    }
  });
});

describe('llama.cpp on the tiny bert embedding model', () => {
  it('computes finite mean-pooled embeddings of the model width', async () => {
    const model = await llama.loadModel({ modelPath: join(dir, 'tiny-embed.gguf') });
    const context = await model.createEmbeddingContext();
    try {
      const hello = await context.getEmbeddingFor('hello world, this is a test');
      const other = await context.getEmbeddingFor('an entirely different sentence about water');
      expect(hello.vector).toHaveLength(64);
      expect(hello.vector.every(Number.isFinite)).toBe(true);
      expect(hello.vector.some((value) => value !== 0)).toBe(true);
      expect(other.vector).not.toEqual(hello.vector);
    } finally {
      await context.dispose();
      await model.dispose();
    }
  });
});

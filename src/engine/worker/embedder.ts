import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import { SequenceEmbedder } from './sequence-embedder.js';

export interface Embedder {
  /** Each input's embedding as the model pools it, in input order; every input already carries its special tokens and fits the context. */
  embed(inputs: readonly Token[][]): Promise<number[][]>;
  dispose(): Promise<void>;
}

/** node-llama-cpp's embedding context, which embeds one input per batch. */
class OneByOneEmbedder implements Embedder {
  constructor(private readonly context: LlamaEmbeddingContext) {}

  async embed(inputs: readonly Token[][]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (const tokens of inputs) vectors.push([...(await this.context.getEmbeddingFor(tokens)).vector]);
    return vectors;
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
  }
}

/** Several inputs per batch where the addon and the model allow it (SequenceEmbedder), else one by one. */
export async function createEmbedder(model: LlamaModel, options: { contextSize: number; threads: number }): Promise<Embedder> {
  return (await SequenceEmbedder.create(model, options)) ?? new OneByOneEmbedder(await model.createEmbeddingContext(options));
}

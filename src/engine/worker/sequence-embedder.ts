import type { Llama, LlamaContext, LlamaContextOptions, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { Embedder } from './embedder.js';

/**
 * What scripts/patches/node-llama-cpp-sequence-embeddings.patch adds to node-llama-cpp's addon
 * context: node-llama-cpp's own getEmbedding reads sequence 0 only, so it can embed one input per
 * batch. These are internals of node-llama-cpp 3.21.1 (pinned exactly); the embedder tests fail if
 * they move.
 */
interface SequenceEmbeddingBinding {
  getPoolingType(): number;
  getSequenceEmbedding(sequenceId: number): Float32Array;
}

/** llama.cpp's LLAMA_POOLING_TYPE_NONE and _RANK: no embedding per sequence to read. */
const UNPOOLED = new Set([0, 4]);

/**
 * llama.cpp reserves its compute graph for a batch split evenly across the sequences, and aborts
 * (GGML_ASSERT in ggml_mul_mat, measured with 5 to 7 sequences of 512 tokens) when the batch does
 * not divide; llama-server uses 4 sequences, and 8 pack short inputs better.
 */
const SEQUENCE_CHOICES = [8, 4, 2];

interface Internals {
  _bindings?: { AddonContext?: { prototype?: Partial<SequenceEmbeddingBinding> } };
}

/** Whether node-llama-cpp's loaded addon was built with the patch (npm run build:llama). */
export function addonEmbedsPerSequence(llama: Llama): boolean {
  return typeof (llama as unknown as Internals)._bindings?.AddonContext?.prototype?.getSequenceEmbedding === 'function';
}

/**
 * Embeds several inputs in one batch, each in its own sequence, as llama-server does with its
 * slots: one decode of a few hundred tokens uses the cores better than several of a few dozen.
 * A group must be one decode: an input split across two would be pooled from its second part
 * alone. node-llama-cpp dispatches what is queued in one event-loop turn as one batch, split only
 * where it exceeds the batch size; every input of a group is queued in the same turn, and a group
 * fits the batch. The tests compare every vector with the input embedded alone.
 */
export class SequenceEmbedder implements Embedder {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly context: LlamaContext,
    private readonly binding: SequenceEmbeddingBinding,
    private readonly sequences: LlamaContextSequence[],
  ) {}

  /** Undefined where the addon lacks the patch, the model does not pool, or no sequence count fits the context. */
  static async create(model: LlamaModel, options: { contextSize: number; threads: number }): Promise<SequenceEmbedder | undefined> {
    const count = SEQUENCE_CHOICES.find((choice) => options.contextSize % choice === 0);
    if (count === undefined || !addonEmbedsPerSequence(model.llama)) return undefined;
    const contextOptions: LlamaContextOptions & { _embeddings: boolean } = {
      contextSize: options.contextSize,
      batchSize: options.contextSize,
      sequences: count,
      threads: options.threads,
      _embeddings: true,
    };
    const context = await model.createContext(contextOptions);
    const binding = (context as unknown as { _ctx: SequenceEmbeddingBinding })._ctx;
    if (UNPOOLED.has(binding.getPoolingType())) {
      await context.dispose();
      return undefined;
    }
    return new SequenceEmbedder(context, binding, Array.from({ length: count }, () => context.getSequence()));
  }

  get batchSize(): number {
    return this.context.batchSize;
  }

  embed(inputs: readonly Token[][]): Promise<number[][]> {
    const run = this.queue.then(() => this.embedInGroups(inputs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async embedInGroups(inputs: readonly Token[][]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (const group of this.groups(inputs)) vectors.push(...(await this.embedGroup(group)));
    return vectors;
  }

  /** Consecutive inputs, as many as there are sequences and the batch holds. */
  private *groups(inputs: readonly Token[][]): Generator<Token[][]> {
    let group: Token[][] = [];
    let tokens = 0;
    for (const input of inputs) {
      // node-llama-cpp would split a longer input across batches, and each part would pool alone.
      if (input.length > this.batchSize) throw new Error(`an input of ${input.length} tokens does not fit a batch of ${this.batchSize}`);
      if (group.length === this.sequences.length || tokens + input.length > this.batchSize) {
        yield group;
        group = [];
        tokens = 0;
      }
      group.push(input);
      tokens += input.length;
    }
    if (group.length > 0) yield group;
  }

  private async embedGroup(group: readonly Token[][]): Promise<number[][]> {
    await Promise.all(
      group.map(async (tokens, index) => {
        const sequence = this.sequences[index]!;
        await sequence.clearHistory();
        await sequence.evaluateWithoutGeneratingNewTokens(tokens);
      }),
    );
    return group.map((_, index) => Array.from(this.binding.getSequenceEmbedding((this.sequences[index] as unknown as { _sequenceId: number })._sequenceId)));
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
  }
}

/** A decoder with Llama's layout: RMSNorm, SwiGLU feed-forward, RoPE and grouped-query attention. */
export interface LlamaPreset {
  architecture: 'llama';
  name: string;
  embeddingLength: number;
  blockCount: number;
  headCount: number;
  headCountKv: number;
  feedForwardLength: number;
  vocabSize: number;
  contextLength: number;
  ropeFreqBase: number;
  rmsEpsilon: number;
  /** Without an output.weight tensor llama.cpp reuses token_embd.weight, as SmolLM2 and Llama 3.2 do. */
  tiedEmbeddings: boolean;
}

/** A BERT encoder producing mean-pooled sentence embeddings. */
export interface BertPreset {
  architecture: 'bert';
  name: string;
  embeddingLength: number;
  blockCount: number;
  headCount: number;
  feedForwardLength: number;
  vocabSize: number;
  contextLength: number;
  layerNormEpsilon: number;
}

export type ModelPreset = LlamaPreset | BertPreset;

export const MODEL_PRESETS = {
  tiny: {
    architecture: 'llama',
    name: 'Tiny Random Llama',
    embeddingLength: 64,
    blockCount: 2,
    headCount: 4,
    headCountKv: 2,
    feedForwardLength: 128,
    vocabSize: 1024,
    contextLength: 2048,
    ropeFreqBase: 10000,
    rmsEpsilon: 1e-5,
    tiedEmbeddings: false,
  },
  'smollm2-135m': {
    architecture: 'llama',
    name: 'Random SmolLM2 135M',
    embeddingLength: 576,
    blockCount: 30,
    headCount: 9,
    headCountKv: 3,
    feedForwardLength: 1536,
    vocabSize: 49152,
    contextLength: 8192,
    ropeFreqBase: 100000,
    rmsEpsilon: 1e-5,
    tiedEmbeddings: true,
  },
  'llama-1b': {
    architecture: 'llama',
    name: 'Random Llama 3.2 1B',
    embeddingLength: 2048,
    blockCount: 16,
    headCount: 32,
    headCountKv: 8,
    feedForwardLength: 8192,
    vocabSize: 128256,
    contextLength: 131072,
    ropeFreqBase: 500000,
    rmsEpsilon: 1e-5,
    tiedEmbeddings: true,
  },
  minilm: {
    architecture: 'bert',
    name: 'Random MiniLM L6',
    embeddingLength: 384,
    blockCount: 6,
    headCount: 12,
    feedForwardLength: 1536,
    vocabSize: 30522,
    contextLength: 512,
    layerNormEpsilon: 1e-12,
  },
  'tiny-embed': {
    architecture: 'bert',
    name: 'Tiny Random BERT',
    embeddingLength: 64,
    blockCount: 2,
    headCount: 4,
    feedForwardLength: 128,
    vocabSize: 512,
    contextLength: 512,
    layerNormEpsilon: 1e-12,
  },
} as const satisfies Record<string, ModelPreset>;

export type PresetName = keyof typeof MODEL_PRESETS;

export const PRESET_NAMES = Object.keys(MODEL_PRESETS) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(MODEL_PRESETS, name);
}

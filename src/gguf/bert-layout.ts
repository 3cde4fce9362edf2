import { boolEntry, f32Entry, u32Entry } from './metadata-entries.js';
import { generalMetadata, type ModelFileType, type ModelLayout, type TensorPlan } from './model-layout.js';
import type { BertPreset } from './model-presets.js';
import { TOKEN_TYPE_COUNT, wordPieceTokenizer } from './wordpiece-tokenizer.js';

const POOLING_MEAN = 1; // LLAMA_POOLING_TYPE_MEAN, as sentence-transformers' MiniLM uses

/** Metadata and tensors for llama.cpp's `bert` architecture (an embedding model). */
export function bertLayout(preset: BertPreset, type: ModelFileType): ModelLayout {
  const metadata = [
    ...generalMetadata(preset, type),
    u32Entry('bert.context_length', preset.contextLength),
    u32Entry('bert.embedding_length', preset.embeddingLength),
    u32Entry('bert.block_count', preset.blockCount),
    u32Entry('bert.feed_forward_length', preset.feedForwardLength),
    u32Entry('bert.attention.head_count', preset.headCount),
    f32Entry('bert.attention.layer_norm_epsilon', preset.layerNormEpsilon),
    boolEntry('bert.attention.causal', false),
    u32Entry('bert.pooling_type', POOLING_MEAN),
    ...wordPieceTokenizer(preset.vocabSize),
  ];
  return { metadata, tensors: bertTensors(preset) };
}

function bertTensors(preset: BertPreset): TensorPlan[] {
  const { embeddingLength: embd, feedForwardLength: ff } = preset;
  const tensors: TensorPlan[] = [
    { name: 'token_embd.weight', dims: [embd, preset.vocabSize], init: 'normal' },
    { name: 'token_types.weight', dims: [embd, TOKEN_TYPE_COUNT], init: 'normal', keepF32: true },
    { name: 'position_embd.weight', dims: [embd, preset.contextLength], init: 'normal', keepF32: true },
    ...layerNorm('token_embd_norm', embd),
  ];
  for (let block = 0; block < preset.blockCount; block++) {
    const blk = `blk.${block}`;
    tensors.push(
      ...linear(`${blk}.attn_q`, embd, embd),
      ...linear(`${blk}.attn_k`, embd, embd),
      ...linear(`${blk}.attn_v`, embd, embd),
      ...linear(`${blk}.attn_output`, embd, embd),
      ...layerNorm(`${blk}.attn_output_norm`, embd),
      ...linear(`${blk}.ffn_up`, embd, ff),
      ...linear(`${blk}.ffn_down`, ff, embd),
      ...layerNorm(`${blk}.layer_output_norm`, embd),
    );
  }
  return tensors;
}

function linear(name: string, inputs: number, outputs: number): TensorPlan[] {
  return [
    { name: `${name}.weight`, dims: [inputs, outputs], init: 'normal' },
    { name: `${name}.bias`, dims: [outputs], init: 'zeros' },
  ];
}

function layerNorm(name: string, length: number): TensorPlan[] {
  return [
    { name: `${name}.weight`, dims: [length], init: 'ones' },
    { name: `${name}.bias`, dims: [length], init: 'zeros' },
  ];
}

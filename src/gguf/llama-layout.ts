import { byteBpeTokenizer } from './byte-bpe-tokenizer.js';
import { f32Entry, u32Entry } from './metadata-entries.js';
import { generalMetadata, type ModelFileType, type ModelLayout, type TensorPlan } from './model-layout.js';
import type { LlamaPreset } from './model-presets.js';

/**
 * Metadata and tensors for llama.cpp's `llama` architecture. Every key here is one llama.cpp either
 * refuses to load without or needs to compute tensor shapes (a wrong shape aborts the process).
 */
export function llamaLayout(preset: LlamaPreset, type: ModelFileType, chatTemplate: string): ModelLayout {
  const headLength = preset.embeddingLength / preset.headCount;
  const metadata = [
    ...generalMetadata(preset, type),
    u32Entry('llama.context_length', preset.contextLength),
    u32Entry('llama.embedding_length', preset.embeddingLength),
    u32Entry('llama.block_count', preset.blockCount),
    u32Entry('llama.feed_forward_length', preset.feedForwardLength),
    u32Entry('llama.attention.head_count', preset.headCount),
    u32Entry('llama.attention.head_count_kv', preset.headCountKv),
    f32Entry('llama.attention.layer_norm_rms_epsilon', preset.rmsEpsilon),
    f32Entry('llama.rope.freq_base', preset.ropeFreqBase),
    u32Entry('llama.rope.dimension_count', headLength),
    u32Entry('llama.vocab_size', preset.vocabSize),
    ...byteBpeTokenizer(preset.vocabSize, chatTemplate),
  ];
  return { metadata, tensors: llamaTensors(preset, headLength * preset.headCountKv) };
}

function llamaTensors(preset: LlamaPreset, kvLength: number): TensorPlan[] {
  const { embeddingLength: embd, feedForwardLength: ff, vocabSize: vocab } = preset;
  const tensors: TensorPlan[] = [{ name: 'token_embd.weight', dims: [embd, vocab], init: 'normal' }];
  for (let block = 0; block < preset.blockCount; block++) {
    const blk = `blk.${block}`;
    tensors.push(
      { name: `${blk}.attn_norm.weight`, dims: [embd], init: 'ones' },
      { name: `${blk}.attn_q.weight`, dims: [embd, embd], init: 'normal' },
      { name: `${blk}.attn_k.weight`, dims: [embd, kvLength], init: 'normal' },
      { name: `${blk}.attn_v.weight`, dims: [embd, kvLength], init: 'normal' },
      { name: `${blk}.attn_output.weight`, dims: [embd, embd], init: 'normal' },
      { name: `${blk}.ffn_norm.weight`, dims: [embd], init: 'ones' },
      { name: `${blk}.ffn_gate.weight`, dims: [embd, ff], init: 'normal' },
      { name: `${blk}.ffn_up.weight`, dims: [embd, ff], init: 'normal' },
      { name: `${blk}.ffn_down.weight`, dims: [ff, embd], init: 'normal' },
    );
  }
  tensors.push({ name: 'output_norm.weight', dims: [embd], init: 'ones' });
  if (!preset.tiedEmbeddings) tensors.push({ name: 'output.weight', dims: [embd, vocab], init: 'normal' });
  return tensors;
}

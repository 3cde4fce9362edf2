import { bertLayout } from './bert-layout.js';
import { CHAT_TEMPLATES, type ChatTemplateName } from '../shared/chat-templates.js';
import { encodeTensorValues, Q8_0_BLOCK } from './encode-tensor-data.js';
import { elementCount, GgmlType, type WritableGgmlType } from './ggml-types.js';
import { llamaLayout } from './llama-layout.js';
import type { ModelFileType, TensorPlan } from './model-layout.js';
import { MODEL_PRESETS, type ModelPreset, type PresetName } from './model-presets.js';
import { SeededNormal, tensorSeed } from './seeded-normal.js';
import { writeGguf, type GgufTensorSource } from './write-gguf.js';

export interface MakeModelOptions {
  preset: PresetName;
  type: ModelFileType;
  out: string;
  seed?: number;
  /** A decoder's chat template; ChatML when unset. */
  chatTemplate?: ChatTemplateName;
}

const DEFAULT_SEED = 1;
const WEIGHT_STD = 0.02;
const CHUNK_ELEMENTS = 1 << 18;

/** Writes a random-weight model llama.cpp can load; the same options always give the same bytes. */
export async function makeModel(options: MakeModelOptions): Promise<void> {
  const preset: ModelPreset = MODEL_PRESETS[options.preset];
  const layout = preset.architecture === 'llama' ? llamaLayout(preset, options.type, CHAT_TEMPLATES[options.chatTemplate ?? 'chatml']) : bertLayout(preset, options.type);
  const seed = options.seed ?? DEFAULT_SEED;
  const tensors = layout.tensors.map((plan) => tensorSource(plan, storageType(plan, options.type), seed));
  await writeGguf(options.out, layout.metadata, tensors);
}

/** As llama.cpp's converter: vectors and lookup tables stay F32; Q8_0 needs rows of whole blocks. */
function storageType(plan: TensorPlan, type: ModelFileType): WritableGgmlType {
  if (plan.dims.length === 1 || plan.keepF32) return GgmlType.F32;
  if (type === 'q8_0' && (plan.dims[0] ?? 0) % Q8_0_BLOCK === 0) return GgmlType.Q8_0;
  return GgmlType.F16;
}

function tensorSource(plan: TensorPlan, type: WritableGgmlType, seed: number): GgufTensorSource {
  return { name: plan.name, dims: plan.dims, type, chunks: () => encodedChunks(plan, type, seed) };
}

function* encodedChunks(plan: TensorPlan, type: WritableGgmlType, seed: number): Generator<Uint8Array> {
  const rowLength = plan.dims[0] ?? 1;
  const rows = elementCount(plan.dims) / rowLength;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / rowLength));
  const normal = new SeededNormal(tensorSeed(seed, plan.name), WEIGHT_STD);
  for (let row = 0; row < rows; row += rowsPerChunk) {
    const values = new Float32Array(Math.min(rowsPerChunk, rows - row) * rowLength);
    if (plan.init === 'normal') normal.fill(values);
    else values.fill(plan.init === 'ones' ? 1 : 0);
    yield encodeTensorValues(values, type);
  }
}

import type { GgufMetadataEntry } from './gguf-types.js';
import { stringEntry, u32Entry } from './metadata-entries.js';
import type { ModelPreset } from './model-presets.js';

export type ModelFileType = 'f16' | 'q8_0';

type TensorInit = 'normal' | 'ones' | 'zeros';

export interface TensorPlan {
  name: string;
  /** ne[0] (the row length) first, as llama.cpp's loader expects. */
  dims: number[];
  init: TensorInit;
  /** Lookup tables llama.cpp's converter keeps in F32 even when it quantizes everything else. */
  keepF32?: boolean;
}

/** What a generated model contains: its metadata and the tensors to fill with weights. */
export interface ModelLayout {
  metadata: GgufMetadataEntry[];
  tensors: TensorPlan[];
}

// llama_ftype values: LLAMA_FTYPE_MOSTLY_F16 and LLAMA_FTYPE_MOSTLY_Q8_0.
const FILE_TYPE_IDS: Readonly<Record<ModelFileType, number>> = { f16: 1, q8_0: 7 };
const QUANTIZATION_VERSION = 2; // GGML_QNT_VERSION

export function generalMetadata(preset: ModelPreset, type: ModelFileType): GgufMetadataEntry[] {
  return [
    stringEntry('general.architecture', preset.architecture),
    stringEntry('general.name', preset.name),
    u32Entry('general.file_type', FILE_TYPE_IDS[type]),
    u32Entry('general.quantization_version', QUANTIZATION_VERSION),
  ];
}

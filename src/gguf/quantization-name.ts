import { ggmlTypeInfo, tensorByteSize } from './ggml-types.js';
import { numericValue, type GgufHeader } from './gguf-types.js';

// llama.cpp's llama_ftype names (LLAMA_FTYPE_MOSTLY_* without the prefix); gaps are removed ftypes.
const FILE_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'F32'],
  [1, 'F16'],
  [2, 'Q4_0'],
  [3, 'Q4_1'],
  [7, 'Q8_0'],
  [8, 'Q5_0'],
  [9, 'Q5_1'],
  [10, 'Q2_K'],
  [11, 'Q3_K_S'],
  [12, 'Q3_K_M'],
  [13, 'Q3_K_L'],
  [14, 'Q4_K_S'],
  [15, 'Q4_K_M'],
  [16, 'Q5_K_S'],
  [17, 'Q5_K_M'],
  [18, 'Q6_K'],
  [19, 'IQ2_XXS'],
  [20, 'IQ2_XS'],
  [21, 'Q2_K_S'],
  [22, 'IQ3_XS'],
  [23, 'IQ3_XXS'],
  [24, 'IQ1_S'],
  [25, 'IQ4_NL'],
  [26, 'IQ3_S'],
  [27, 'IQ3_M'],
  [28, 'IQ2_S'],
  [29, 'IQ2_M'],
  [30, 'IQ4_XS'],
  [31, 'IQ1_M'],
  [32, 'BF16'],
  [36, 'TQ1_0'],
  [37, 'TQ2_0'],
  [38, 'MXFP4'],
  [39, 'NVFP4'],
  [40, 'Q1_0'],
  [41, 'Q2_0'],
]);

/** The quantization DMR reports: general.file_type's name, else the type holding the most bytes. */
export function quantizationName(header: GgufHeader): string {
  const fileType = numericValue(header.metadata.get('general.file_type'));
  const named = fileType === undefined ? undefined : FILE_TYPE_NAMES.get(fileType);
  return named ?? dominantTensorType(header) ?? 'Unknown';
}

function dominantTensorType(header: GgufHeader): string | undefined {
  const bytesByType = new Map<string, number>();
  for (const tensor of header.tensors) {
    const info = ggmlTypeInfo(tensor.type);
    if (info === undefined) continue;
    bytesByType.set(info.name, (bytesByType.get(info.name) ?? 0) + tensorByteSize(info, tensor.dims));
  }
  let best: [string, number] | undefined;
  for (const entry of bytesByType) if (best === undefined || entry[1] > best[1]) best = entry;
  return best?.[0];
}

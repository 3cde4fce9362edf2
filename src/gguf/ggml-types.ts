export interface GgmlTypeInfo {
  name: string;
  /** Elements per block; a row length must be a multiple of it. */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
}

/** The ggml tensor types the writer produces. */
export const GgmlType = { F32: 0, F16: 1, Q8_0: 8 } as const;
export type WritableGgmlType = (typeof GgmlType)[keyof typeof GgmlType];

const QK_K = 256;

// Sizes follow ggml's type_traits (and gguf-py's GGML_QUANT_SIZES) for the llama.cpp bundled with
// node-llama-cpp; ids 4, 5 and 31-33, 36-38 were removed from ggml and are rejected like unknown ids.
const GGML_TYPES: ReadonlyMap<number, GgmlTypeInfo> = new Map([
  [0, { name: 'F32', blockSize: 1, typeSize: 4 }],
  [1, { name: 'F16', blockSize: 1, typeSize: 2 }],
  [2, { name: 'Q4_0', blockSize: 32, typeSize: 18 }],
  [3, { name: 'Q4_1', blockSize: 32, typeSize: 20 }],
  [6, { name: 'Q5_0', blockSize: 32, typeSize: 22 }],
  [7, { name: 'Q5_1', blockSize: 32, typeSize: 24 }],
  [8, { name: 'Q8_0', blockSize: 32, typeSize: 34 }],
  [9, { name: 'Q8_1', blockSize: 32, typeSize: 40 }],
  [10, { name: 'Q2_K', blockSize: QK_K, typeSize: 84 }],
  [11, { name: 'Q3_K', blockSize: QK_K, typeSize: 110 }],
  [12, { name: 'Q4_K', blockSize: QK_K, typeSize: 144 }],
  [13, { name: 'Q5_K', blockSize: QK_K, typeSize: 176 }],
  [14, { name: 'Q6_K', blockSize: QK_K, typeSize: 210 }],
  [15, { name: 'Q8_K', blockSize: QK_K, typeSize: 292 }],
  [16, { name: 'IQ2_XXS', blockSize: QK_K, typeSize: 66 }],
  [17, { name: 'IQ2_XS', blockSize: QK_K, typeSize: 74 }],
  [18, { name: 'IQ3_XXS', blockSize: QK_K, typeSize: 98 }],
  [19, { name: 'IQ1_S', blockSize: QK_K, typeSize: 50 }],
  [20, { name: 'IQ4_NL', blockSize: 32, typeSize: 18 }],
  [21, { name: 'IQ3_S', blockSize: QK_K, typeSize: 110 }],
  [22, { name: 'IQ2_S', blockSize: QK_K, typeSize: 82 }],
  [23, { name: 'IQ4_XS', blockSize: QK_K, typeSize: 136 }],
  [24, { name: 'I8', blockSize: 1, typeSize: 1 }],
  [25, { name: 'I16', blockSize: 1, typeSize: 2 }],
  [26, { name: 'I32', blockSize: 1, typeSize: 4 }],
  [27, { name: 'I64', blockSize: 1, typeSize: 8 }],
  [28, { name: 'F64', blockSize: 1, typeSize: 8 }],
  [29, { name: 'IQ1_M', blockSize: QK_K, typeSize: 56 }],
  [30, { name: 'BF16', blockSize: 1, typeSize: 2 }],
  [34, { name: 'TQ1_0', blockSize: QK_K, typeSize: 54 }],
  [35, { name: 'TQ2_0', blockSize: QK_K, typeSize: 66 }],
  [39, { name: 'MXFP4', blockSize: 32, typeSize: 17 }],
  [40, { name: 'NVFP4', blockSize: 64, typeSize: 36 }],
  [41, { name: 'Q1_0', blockSize: 128, typeSize: 18 }],
  [42, { name: 'Q2_0', blockSize: 64, typeSize: 18 }],
]);

export function ggmlTypeInfo(type: number): GgmlTypeInfo | undefined {
  return GGML_TYPES.get(type);
}

/** Byte size of a tensor; the caller has checked that the row length is a multiple of the block size. */
export function tensorByteSize(info: GgmlTypeInfo, dims: readonly number[]): number {
  return (elementCount(dims) / info.blockSize) * info.typeSize;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

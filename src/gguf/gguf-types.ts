/** The GGUF value type tags, as numbered by the GGUF specification. */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufValueType = (typeof GgufValueType)[keyof typeof GgufValueType];

/** GGUF forbids arrays of arrays, so an array holds scalars of one type. */
export interface GgufArray {
  type: GgufValueType;
  values: GgufScalar[];
}

/** 64-bit integers are bigints so that no value is silently rounded. */
export type GgufScalar = number | bigint | boolean | string;
export type GgufValue = GgufScalar | GgufArray;

export interface GgufMetadataEntry {
  key: string;
  type: GgufValueType;
  value: GgufValue;
}

export interface GgufTensorInfo {
  name: string;
  /** ne[0] first: the row length comes first, as in ggml. */
  dims: number[];
  /** ggml type id. */
  type: number;
  /** Byte offset of the tensor data relative to dataOffset. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  metadata: Map<string, GgufValue>;
  /** The declared type of each metadata value; needed to tell floats from integers. */
  metadataTypes: Map<string, GgufValueType>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset where tensor data starts. */
  dataOffset: number;
  fileSize: number;
}

/** A metadata value as a number when it is numeric (DMR reads any integer width the same way). */
export function numericValue(value: GgufValue | undefined): number | undefined {
  return typeof value === 'number' || typeof value === 'bigint' ? Number(value) : undefined;
}

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;

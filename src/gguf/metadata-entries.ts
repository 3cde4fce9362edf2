import { GgufValueType, type GgufMetadataEntry } from './gguf-types.js';

export function stringEntry(key: string, value: string): GgufMetadataEntry {
  return { key, type: GgufValueType.STRING, value };
}

export function u32Entry(key: string, value: number): GgufMetadataEntry {
  return { key, type: GgufValueType.UINT32, value };
}

export function f32Entry(key: string, value: number): GgufMetadataEntry {
  return { key, type: GgufValueType.FLOAT32, value };
}

export function boolEntry(key: string, value: boolean): GgufMetadataEntry {
  return { key, type: GgufValueType.BOOL, value };
}

export function stringArrayEntry(key: string, values: string[]): GgufMetadataEntry {
  return { key, type: GgufValueType.ARRAY, value: { type: GgufValueType.STRING, values } };
}

export function i32ArrayEntry(key: string, values: number[]): GgufMetadataEntry {
  return { key, type: GgufValueType.ARRAY, value: { type: GgufValueType.INT32, values } };
}

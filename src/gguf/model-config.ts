import { formatGoFixed } from './format-go-fixed.js';
import { formatByteSize, formatParameterCount } from './format-units.js';
import { elementCount, ggmlTypeInfo, tensorByteSize } from './ggml-types.js';
import { GgufValueType, numericValue, type GgufArray, type GgufHeader, type GgufScalar, type GgufValue } from './gguf-types.js';
import { quantizationName } from './quantization-name.js';

/** The model config DMR derives from a GGUF file and publishes in the artifact's config blob. */
export interface GgufModelConfig {
  format: 'gguf';
  architecture: string;
  parameters: string;
  quantization: string;
  size: string;
  gguf: Record<string, string>;
  context_size?: number;
}

// DMR leaves out arrays longer than this (vocabularies, merges) from the gguf map.
const MAX_REPORTED_ARRAY_ITEMS = 50;
const MAX_CONTEXT_SIZE = 2 ** 31 - 1;

export function modelConfigFromGguf(header: GgufHeader): GgufModelConfig {
  const architecture = header.metadata.get('general.architecture');
  const config: GgufModelConfig = {
    format: 'gguf',
    architecture: typeof architecture === 'string' ? architecture.trim() : '',
    parameters: formatParameterCount(totalOf(header, (dims) => elementCount(dims))),
    quantization: quantizationName(header),
    size: formatByteSize(totalOf(header, (dims, type) => byteSizeOf(dims, type))),
    gguf: reportedMetadata(header),
  };
  const contextSize = contextSizeOf(header, config.architecture);
  return contextSize === undefined ? config : { ...config, context_size: contextSize };
}

function totalOf(header: GgufHeader, measure: (dims: number[], type: number) => number): number {
  return header.tensors.reduce((sum, tensor) => sum + measure(tensor.dims, tensor.type), 0);
}

function byteSizeOf(dims: number[], type: number): number {
  const info = ggmlTypeInfo(type);
  return info === undefined ? 0 : tensorByteSize(info, dims);
}

function contextSizeOf(header: GgufHeader, architecture: string): number | undefined {
  const size = numericValue(header.metadata.get(`${architecture}.context_length`)) ?? 0;
  return size > 0 && size <= MAX_CONTEXT_SIZE ? size : undefined;
}

function reportedMetadata(header: GgufHeader): Record<string, string> {
  const reported: Record<string, string> = {};
  for (const [key, value] of header.metadata) {
    const type = header.metadataTypes.get(key) ?? GgufValueType.STRING;
    if (isArray(value) && value.values.length > MAX_REPORTED_ARRAY_ITEMS) continue;
    reported[key] = isArray(value)
      ? value.values.map((item) => formatScalar(item, value.type)).join(', ')
      : formatScalar(value, type);
  }
  return reported;
}

function isArray(value: GgufValue): value is GgufArray {
  return typeof value === 'object';
}

/** Go's fmt verbs as DMR applies them: %d, %f (six decimals), %t and plain strings. */
function formatScalar(value: GgufScalar, type: GgufValueType): string {
  if (type === GgufValueType.FLOAT32 || type === GgufValueType.FLOAT64) return formatGoFixed(Number(value), 6);
  return String(value);
}

import { open } from 'node:fs/promises';
import { FileCursor } from './file-cursor.js';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GgufValueType,
  type GgufHeader,
  type GgufValue,
} from './gguf-types.js';
import { invalidGguf } from './invalid-gguf.js';
import { readGgufString, readGgufValue } from './read-gguf-value.js';
import { readTensorInfo, type ReadTensor } from './read-tensor-info.js';

const MAX_COUNT = 1_000_000n;
// The smallest possible encodings: a tensor info is name length, n_dims, type and offset; a key-value
// pair is key length, type tag and a one-byte value.
const MIN_TENSOR_INFO_BYTES = 24n;
const MIN_KV_BYTES = 13n;

/** Reads the GGUF header (metadata and tensor infos) without reading tensor data. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await parseGgufHeader(new FileCursor(handle, size));
  } finally {
    await handle.close();
  }
}

async function parseGgufHeader(cursor: FileCursor): Promise<GgufHeader> {
  if (cursor.fileSize < 4 || (await cursor.u32()) !== GGUF_MAGIC) throw invalidGguf('bad magic');
  const version = await cursor.u32();
  // v1 used 32-bit counts; a big-endian file shows up here as a huge version number.
  if (version !== 2 && version !== 3) throw invalidGguf(`unsupported version ${version}`);
  const tensorCount = await cursor.u64();
  const kvCount = await cursor.u64();
  checkCounts(tensorCount, kvCount, cursor.remaining);
  const { metadata, metadataTypes } = await readMetadata(cursor, Number(kvCount));
  const alignment = alignmentOf(metadata, metadataTypes);
  const tensors: ReadTensor[] = [];
  for (let i = 0; i < Number(tensorCount); i++) tensors.push(await readTensorInfo(cursor));
  const dataOffset = Math.ceil(cursor.position / alignment) * alignment;
  checkTensorData(tensors, dataOffset, alignment, cursor.fileSize);
  return {
    version,
    metadata,
    metadataTypes,
    tensors: tensors.map((read) => read.tensor),
    alignment,
    dataOffset,
    fileSize: cursor.fileSize,
  };
}

function checkCounts(tensorCount: bigint, kvCount: bigint, remaining: number): void {
  if (tensorCount > MAX_COUNT) throw invalidGguf(`tensor count ${tensorCount} is implausible`);
  if (kvCount > MAX_COUNT) throw invalidGguf(`metadata key count ${kvCount} is implausible`);
  if (tensorCount * MIN_TENSOR_INFO_BYTES + kvCount * MIN_KV_BYTES > BigInt(remaining)) {
    throw invalidGguf(`${kvCount} metadata keys and ${tensorCount} tensors cannot fit in the file`);
  }
}

async function readMetadata(
  cursor: FileCursor,
  count: number,
): Promise<{ metadata: Map<string, GgufValue>; metadataTypes: Map<string, GgufValueType> }> {
  const metadata = new Map<string, GgufValue>();
  const metadataTypes = new Map<string, GgufValueType>();
  for (let i = 0; i < count; i++) {
    const key = await readGgufString(cursor, 'metadata key');
    if (key === '') throw invalidGguf(`metadata key ${i} is empty`);
    if (metadata.has(key)) throw invalidGguf(`duplicate metadata key '${key}'`);
    const type = await cursor.u32();
    metadata.set(key, await readGgufValue(cursor, type, key));
    metadataTypes.set(key, type as GgufValueType);
  }
  return { metadata, metadataTypes };
}

function alignmentOf(metadata: Map<string, GgufValue>, types: Map<string, GgufValueType>): number {
  const alignment = metadata.get('general.alignment');
  if (alignment === undefined) return GGUF_DEFAULT_ALIGNMENT;
  const isPowerOfTwo = typeof alignment === 'number' && alignment > 0 && (alignment & (alignment - 1)) === 0;
  if (types.get('general.alignment') !== GgufValueType.UINT32 || !isPowerOfTwo) {
    throw invalidGguf('general.alignment must be a u32 power of two');
  }
  return alignment;
}

function checkTensorData(tensors: ReadTensor[], dataOffset: number, alignment: number, fileSize: number): void {
  for (const { tensor, byteSize } of tensors) {
    if (tensor.offset % alignment !== 0) {
      throw invalidGguf(`tensor '${tensor.name}' offset ${tensor.offset} is not aligned to ${alignment} bytes`);
    }
    if (BigInt(dataOffset + tensor.offset) + byteSize > BigInt(fileSize)) {
      throw invalidGguf(`tensor '${tensor.name}' data extends past the end of the file`);
    }
  }
}

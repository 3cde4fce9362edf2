import type { FileCursor } from './file-cursor.js';
import { ggmlTypeInfo } from './ggml-types.js';
import type { GgufTensorInfo } from './gguf-types.js';
import { invalidGguf } from './invalid-gguf.js';
import { readGgufString } from './read-gguf-value.js';

const MAX_DIMS = 4; // GGML_MAX_DIMS

export interface ReadTensor {
  tensor: GgufTensorInfo;
  /** Kept as a bigint because hostile dimensions can multiply past 2^53. */
  byteSize: bigint;
}

export async function readTensorInfo(cursor: FileCursor): Promise<ReadTensor> {
  const name = await readGgufString(cursor, 'tensor name');
  const dimCount = await cursor.u32();
  if (dimCount > MAX_DIMS) {
    throw invalidGguf(`tensor '${name}' has ${dimCount} dimensions; at most ${MAX_DIMS} are allowed`);
  }
  const dims: bigint[] = [];
  for (let i = 0; i < dimCount; i++) dims.push(await cursor.u64());
  const type = await cursor.u32();
  const info = ggmlTypeInfo(type);
  if (info === undefined) throw invalidGguf(`tensor '${name}' has unknown ggml type ${type}`);
  const rowLength = dims[0] ?? 1n;
  if (rowLength % BigInt(info.blockSize) !== 0n) {
    throw invalidGguf(`tensor '${name}' row length ${rowLength} is not a multiple of the ${info.name} block size`);
  }
  if (dims.some((dim) => dim > BigInt(Number.MAX_SAFE_INTEGER))) {
    throw invalidGguf(`tensor '${name}' has an impossibly large dimension`);
  }
  const offset = await cursor.u64();
  const elements = dims.reduce((product, dim) => product * dim, 1n);
  const byteSize = (elements / BigInt(info.blockSize)) * BigInt(info.typeSize);
  // Checked here as well as against the data section later, so that offset is safe to make a number.
  if (offset + byteSize > BigInt(cursor.fileSize)) {
    throw invalidGguf(`tensor '${name}' data extends past the end of the file`);
  }
  return { tensor: { name, dims: dims.map(Number), type, offset: Number(offset) }, byteSize };
}

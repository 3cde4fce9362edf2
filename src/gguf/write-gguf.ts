import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { encodeGgufHeader } from './encode-gguf-header.js';
import { ggmlTypeInfo, tensorByteSize } from './ggml-types.js';
import { GGUF_DEFAULT_ALIGNMENT, type GgufMetadataEntry, type GgufTensorInfo } from './gguf-types.js';

/** A tensor whose encoded bytes are produced lazily, chunk by chunk, so no tensor is ever whole in memory. */
export interface GgufTensorSource {
  name: string;
  /** ne[0] (the row length) first. */
  dims: readonly number[];
  type: number;
  chunks(): Iterable<Uint8Array>;
}

const ALIGNMENT = GGUF_DEFAULT_ALIGNMENT;

/**
 * Writes a GGUF v3 file. Data goes to a sibling temporary file renamed into place at the end, so a
 * crash never leaves a truncated model under the requested name.
 */
export async function writeGguf(
  path: string,
  metadata: readonly GgufMetadataEntry[],
  tensors: readonly GgufTensorSource[],
): Promise<void> {
  const layout = layoutTensors(tensors);
  const partialPath = `${path}.partial`;
  const handle = await open(partialPath, 'w');
  try {
    await handle.write(encodeGgufHeader(metadata, layout.infos, ALIGNMENT));
    for (const [index, tensor] of tensors.entries()) await writeTensorData(handle, tensor, layout.sizes[index] ?? 0);
    await handle.close();
    await rename(partialPath, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partialPath, { force: true });
    throw error;
  }
}

function layoutTensors(tensors: readonly GgufTensorSource[]): { infos: GgufTensorInfo[]; sizes: number[] } {
  const infos: GgufTensorInfo[] = [];
  const sizes: number[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const info = ggmlTypeInfo(tensor.type);
    if (info === undefined || (tensor.dims[0] ?? 1) % info.blockSize !== 0) {
      throw new TypeError(`tensor '${tensor.name}' cannot be stored as ggml type ${tensor.type}`);
    }
    const size = tensorByteSize(info, tensor.dims);
    infos.push({ name: tensor.name, dims: [...tensor.dims], type: tensor.type, offset });
    sizes.push(size);
    offset += padded(size);
  }
  return { infos, sizes };
}

async function writeTensorData(handle: FileHandle, tensor: GgufTensorSource, size: number): Promise<void> {
  let written = 0;
  for (const chunk of tensor.chunks()) {
    await handle.write(chunk);
    written += chunk.byteLength;
  }
  if (written !== size) throw new Error(`tensor '${tensor.name}' produced ${written} bytes, expected ${size}`);
  if (padded(size) > size) await handle.write(Buffer.alloc(padded(size) - size));
}

function padded(size: number): number {
  return Math.ceil(size / ALIGNMENT) * ALIGNMENT;
}

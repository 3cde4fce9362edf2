import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeGgufHeader } from './encode-gguf-header.js';
import { GgmlType, ggmlTypeInfo, tensorByteSize } from './ggml-types.js';
import { GgufValueType, type GgufArray } from './gguf-types.js';
import { makeModel } from './make-model.js';
import { stringEntry } from './metadata-entries.js';
import { readGgufHeader } from './read-gguf-header.js';

let dir: string;
let tinyQ8: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-reader-'));
  tinyQ8 = join(dir, 'tiny-q8_0.gguf');
  await makeModel({ preset: 'tiny', type: 'q8_0', out: tinyQ8 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readGgufHeader on a generated tiny model', () => {
  it('returns the metadata the generator wrote, with integer and float types kept apart', async () => {
    const header = await readGgufHeader(tinyQ8);
    expect(header.version).toBe(3);
    expect(header.metadata.get('general.architecture')).toBe('llama');
    expect(header.metadata.get('llama.embedding_length')).toBe(64);
    expect(header.metadata.get('llama.attention.layer_norm_rms_epsilon')).toBeCloseTo(1e-5, 10);
    expect(header.metadataTypes.get('llama.attention.layer_norm_rms_epsilon')).toBe(GgufValueType.FLOAT32);
    expect(header.metadataTypes.get('llama.block_count')).toBe(GgufValueType.UINT32);
    expect(header.metadata.get('tokenizer.ggml.add_bos_token')).toBe(false);
    const tokens = header.metadata.get('tokenizer.ggml.tokens') as GgufArray;
    expect(tokens.type).toBe(GgufValueType.STRING);
    expect(tokens.values).toHaveLength(1024);
    expect(tokens.values.slice(0, 3)).toEqual(['<|endoftext|>', '<|im_start|>', '<|im_end|>']);
  });

  it('lists every tensor with llama.cpp shapes, Q8_0 matrices and F32 norms', async () => {
    const header = await readGgufHeader(tinyQ8);
    const byName = new Map(header.tensors.map((tensor) => [tensor.name, tensor]));
    expect(header.tensors).toHaveLength(2 * 9 + 3);
    expect(byName.get('token_embd.weight')).toMatchObject({ dims: [64, 1024], type: GgmlType.Q8_0 });
    expect(byName.get('blk.1.attn_k.weight')).toMatchObject({ dims: [64, 32], type: GgmlType.Q8_0 });
    expect(byName.get('blk.0.ffn_down.weight')).toMatchObject({ dims: [128, 64], type: GgmlType.Q8_0 });
    expect(byName.get('output_norm.weight')).toMatchObject({ dims: [64], type: GgmlType.F32 });
  });

  it('places aligned tensor data that exactly fills the rest of the file', async () => {
    const header = await readGgufHeader(tinyQ8);
    expect(header.alignment).toBe(32);
    expect(header.dataOffset % 32).toBe(0);
    let expectedOffset = 0;
    for (const tensor of header.tensors) {
      expect(tensor.offset).toBe(expectedOffset);
      const info = ggmlTypeInfo(tensor.type);
      if (info === undefined) throw new Error(`unexpected type ${tensor.type}`);
      const size = tensorByteSize(info, tensor.dims);
      expectedOffset += Math.ceil(size / 32) * 32;
    }
    expect(header.dataOffset + expectedOffset).toBe(header.fileSize);
  });

  it('reads GGUF v2 files, whose layout matches v3', async () => {
    const path = join(dir, 'v2.gguf');
    const bytes = encodeGgufHeader([stringEntry('general.architecture', 'llama')], [], 32);
    bytes.writeUInt32LE(2, 4);
    await writeFile(path, bytes);
    const header = await readGgufHeader(path);
    expect(header.version).toBe(2);
    expect(header.metadata.get('general.architecture')).toBe('llama');
  });
});

describe('readGgufHeader on a huge file', () => {
  it('reads only the header of a 4 GiB sparse file', async () => {
    const path = join(dir, 'huge.gguf');
    const dims = [2 ** 30];
    const header = encodeGgufHeader([], [{ name: 'huge.weight', dims, type: GgmlType.F32, offset: 0 }], 32);
    await writeFile(path, header);
    const handle = await open(path, 'r+');
    await handle.truncate(header.length + 4 * 2 ** 30);
    const readSpy = vi.spyOn(Object.getPrototypeOf(handle) as typeof handle, 'read');
    await handle.close();
    try {
      const result = await readGgufHeader(path);
      expect(result.tensors[0]).toMatchObject({ name: 'huge.weight', dims });
      expect(readSpy).toHaveBeenCalled();
      const bytesRead = await Promise.all(readSpy.mock.results.map(async (call) => (await call.value).bytesRead));
      expect(bytesRead.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(64 * 1024);
    } finally {
      readSpy.mockRestore();
    }
  });
});

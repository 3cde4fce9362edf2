import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgmlType } from './ggml-types.js';
import { GgufValueType, type GgufMetadataEntry } from './gguf-types.js';
import { readGgufHeader } from './read-gguf-header.js';
import { writeGguf, type GgufTensorSource } from './write-gguf.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-writer-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function bytesTensor(name: string, bytes: number[]): GgufTensorSource {
  return { name, dims: [bytes.length], type: 24 /* I8 */, chunks: () => [Uint8Array.from(bytes)] };
}

describe('writeGguf', () => {
  it('writes every metadata value type so that the reader gets the same values back', async () => {
    const metadata: GgufMetadataEntry[] = [
      { key: 'u8', type: GgufValueType.UINT8, value: 255 },
      { key: 'i8', type: GgufValueType.INT8, value: -128 },
      { key: 'u16', type: GgufValueType.UINT16, value: 65535 },
      { key: 'i16', type: GgufValueType.INT16, value: -32768 },
      { key: 'u32', type: GgufValueType.UINT32, value: 4294967295 },
      { key: 'i32', type: GgufValueType.INT32, value: -2147483648 },
      { key: 'f32', type: GgufValueType.FLOAT32, value: 0.5 },
      { key: 'bool', type: GgufValueType.BOOL, value: true },
      { key: 'string', type: GgufValueType.STRING, value: 'héllo 👋' },
      { key: 'u64', type: GgufValueType.UINT64, value: 2n ** 64n - 1n },
      { key: 'i64', type: GgufValueType.INT64, value: -(2n ** 63n) },
      { key: 'f64', type: GgufValueType.FLOAT64, value: Math.PI },
      { key: 'strings', type: GgufValueType.ARRAY, value: { type: GgufValueType.STRING, values: ['a', '', 'ç'] } },
      { key: 'empty', type: GgufValueType.ARRAY, value: { type: GgufValueType.INT32, values: [] } },
    ];
    const path = join(dir, 'values.gguf');
    await writeGguf(path, metadata, []);
    const header = await readGgufHeader(path);
    expect(Object.fromEntries(header.metadata)).toEqual(Object.fromEntries(metadata.map((entry) => [entry.key, entry.value])));
    expect(Object.fromEntries(header.metadataTypes)).toEqual(Object.fromEntries(metadata.map((entry) => [entry.key, entry.type])));
  });

  it('streams each tensor to its aligned offset', async () => {
    const path = join(dir, 'tensors.gguf');
    await writeGguf(path, [], [bytesTensor('a', [1, 2, 3]), bytesTensor('b', [4, 5])]);
    const header = await readGgufHeader(path);
    const file = await readFile(path);
    const [a, b] = header.tensors;
    expect(b?.offset).toBe(32);
    expect([...file.subarray(header.dataOffset + (a?.offset ?? 0), header.dataOffset + 3)]).toEqual([1, 2, 3]);
    expect([...file.subarray(header.dataOffset + (b?.offset ?? 0), header.dataOffset + 34)]).toEqual([4, 5]);
  });

  it('fails without leaving any file behind when a tensor yields the wrong number of bytes', async () => {
    const out = join(dir, 'short', 'model.gguf');
    await mkdir(join(dir, 'short'));
    const short: GgufTensorSource = { name: 'w', dims: [4], type: GgmlType.F32, chunks: () => [new Uint8Array(12)] };
    await expect(writeGguf(out, [], [short])).rejects.toThrow(/produced 12 bytes, expected 16/);
    expect(await readdir(join(dir, 'short'))).toEqual([]);
  });

  it('refuses a type whose blocks do not divide the row length', async () => {
    const odd: GgufTensorSource = { name: 'w', dims: [48], type: GgmlType.Q8_0, chunks: () => [] };
    await expect(writeGguf(join(dir, 'odd.gguf'), [], [odd])).rejects.toThrow(/cannot be stored/);
  });
});

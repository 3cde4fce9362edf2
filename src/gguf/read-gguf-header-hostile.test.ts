import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunnerError } from '../shared/errors.js';
import { encodeGgufHeader } from './encode-gguf-header.js';
import { GgmlType } from './ggml-types.js';
import { GgufValueType, type GgufMetadataEntry, type GgufTensorInfo } from './gguf-types.js';
import { makeModel } from './make-model.js';
import { stringArrayEntry, stringEntry, u32Entry } from './metadata-entries.js';
import { readGgufHeader } from './read-gguf-header.js';

let dir: string;
let tinyBytes: Buffer;
let fileCounter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-hostile-'));
  const tiny = join(dir, 'tiny.gguf');
  await makeModel({ preset: 'tiny', type: 'q8_0', out: tiny });
  tinyBytes = await readFile(tiny);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readBytes(bytes: Uint8Array) {
  const path = join(dir, `case-${fileCounter++}.gguf`);
  await writeFile(path, bytes);
  return readGgufHeader(path);
}

async function expectInvalid(bytes: Uint8Array, message: RegExp): Promise<void> {
  const error: unknown = await readBytes(bytes).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(isRunnerError(error, 'invalid_model'), `expected invalid_model, got ${String(error)}`).toBe(true);
  expect((error as Error).message).toMatch(/^invalid GGUF file: /);
  expect((error as Error).message).toMatch(message);
}

/** A well-formed header (plus zeroed tensor data) for a test to corrupt. */
function headerWith(metadata: GgufMetadataEntry[], tensors: GgufTensorInfo[] = [], data = 0): Buffer {
  return Buffer.concat([encodeGgufHeader(metadata, tensors, 32), Buffer.alloc(data)]);
}

const KEY = 'general.architecture';
/** Offset of the first key's type tag: magic, version, two counts, then the key's length and bytes. */
const FIRST_TYPE_OFFSET = 24 + 8 + KEY.length;

describe('readGgufHeader rejects malformed files', () => {
  it('rejects a file that is not GGUF', async () => {
    await expectInvalid(Buffer.from('GGML not a gguf file at all'), /bad magic/);
    await expectInvalid(Buffer.alloc(0), /bad magic/);
  });

  it('rejects GGUF v1, future versions and big-endian files', async () => {
    for (const version of [1, 4, 0x03000000]) {
      const bytes = headerWith([]);
      bytes.writeUInt32LE(version, 4);
      await expectInvalid(bytes, /unsupported version/);
    }
  });

  it.each([
    ['inside the fixed header', () => 10],
    ['inside the first key', () => 30],
    ['inside the token list', () => tinyBytes.indexOf('<|im_end|>') + 3],
    ['inside the tensor infos', () => tinyBytes.indexOf('blk.1.ffn_up.weight') + 5],
  ])('rejects a file truncated %s', async (_where, cutAt) => {
    await expectInvalid(tinyBytes.subarray(0, cutAt()), /truncated|past the end|cannot fit/);
  });

  it('rejects a file whose tensor data is cut short', async () => {
    await expectInvalid(tinyBytes.subarray(0, tinyBytes.length - 1), /data extends past the end/);
  });

  it('rejects absurd key and tensor counts before reading further', async () => {
    const bytes = headerWith([stringEntry(KEY, 'llama')]);
    bytes.writeBigUInt64LE(2n ** 63n, 16);
    await expectInvalid(bytes, /metadata key count .* implausible/);
    bytes.writeBigUInt64LE(1n, 16);
    bytes.writeBigUInt64LE(2n ** 40n, 8);
    await expectInvalid(bytes, /tensor count .* implausible/);
    bytes.writeBigUInt64LE(5000n, 8);
    await expectInvalid(bytes, /cannot fit in the file/);
  });

  it('rejects string lengths beyond the file or the size cap', async () => {
    const bytes = headerWith([stringEntry(KEY, 'llama')]);
    for (const length of [2n ** 62n, 1n << 30n, BigInt(bytes.length)]) {
      bytes.writeBigUInt64LE(length, 24);
      await expectInvalid(bytes, /metadata key length/);
    }
  });

  it('rejects array lengths the file cannot hold', async () => {
    const bytes = headerWith([stringArrayEntry(KEY, ['a', 'b'])]);
    const countOffset = FIRST_TYPE_OFFSET + 8;
    for (const count of [2n ** 40n, 2n ** 63n, 1000n]) {
      bytes.writeBigUInt64LE(count, countOffset);
      await expectInvalid(bytes, /array length/);
    }
  });

  it('rejects unknown value types and nested arrays', async () => {
    const bytes = headerWith([u32Entry(KEY, 7)]);
    bytes.writeUInt32LE(99, FIRST_TYPE_OFFSET);
    await expectInvalid(bytes, /unknown value type 99/);
    const array = headerWith([stringArrayEntry(KEY, ['a'])]);
    array.writeUInt32LE(GgufValueType.ARRAY, FIRST_TYPE_OFFSET + 4);
    await expectInvalid(array, /nested array/);
  });

  it('rejects duplicate keys and a bad alignment', async () => {
    await expectInvalid(headerWith([u32Entry('a', 1), u32Entry('a', 2)]), /duplicate metadata key 'a'/);
    await expectInvalid(headerWith([u32Entry('general.alignment', 24)]), /alignment/);
    await expectInvalid(headerWith([stringEntry('general.alignment', '32')]), /alignment/);
  });

  it('rejects tensors with unknown types, too many dimensions or misaligned data', async () => {
    const tensor = { name: 't', dims: [32], type: GgmlType.F32, offset: 0 };
    await expectInvalid(headerWith([], [{ ...tensor, type: 4 }], 128), /unknown ggml type 4/);
    await expectInvalid(headerWith([], [{ ...tensor, type: 99 }], 128), /unknown ggml type 99/);
    await expectInvalid(headerWith([], [{ ...tensor, dims: [1, 1, 1, 1, 32] }], 128), /5 dimensions/);
    await expectInvalid(headerWith([], [{ ...tensor, offset: 4 }], 256), /not aligned/);
    await expectInvalid(headerWith([], [{ ...tensor, dims: [30], type: GgmlType.Q8_0 }], 128), /block size/);
    await expectInvalid(headerWith([], [{ ...tensor, dims: [2 ** 31, 2 ** 31, 2 ** 31] }], 128), /past the end/);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgmlType } from './ggml-types.js';
import { makeModel } from './make-model.js';
import { readGgufHeader } from './read-gguf-header.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-make-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function generate(name: string, seed?: number, type: 'f16' | 'q8_0' = 'q8_0'): Promise<string> {
  const out = join(dir, name);
  await makeModel({ preset: 'tiny', type, out, ...(seed === undefined ? {} : { seed }) });
  return out;
}

/** The values of an F16 or F32 tensor of a generated file. */
async function tensorValues(path: string, name: string): Promise<number[]> {
  const header = await readGgufHeader(path);
  const tensor = header.tensors.find((candidate) => candidate.name === name);
  if (tensor === undefined) throw new Error(`no tensor ${name}`);
  const file = await readFile(path);
  const count = tensor.dims.reduce((product, dim) => product * dim, 1);
  const start = header.dataOffset + tensor.offset;
  if (tensor.type === GgmlType.F32) return [...new Float32Array(file.buffer.slice(file.byteOffset + start, file.byteOffset + start + count * 4))];
  return Array.from({ length: count }, (_, i) => halfToNumber(file.readUInt16LE(start + 2 * i)));
}

function halfToNumber(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const magnitude = exponent === 0 ? (bits & 0x3ff) * 2 ** -24 : (1 + (bits & 0x3ff) / 1024) * 2 ** (exponent - 15);
  return bits & 0x8000 ? -magnitude : magnitude;
}

describe('makeModel', () => {
  it('generates the tiny preset in well under a second', async () => {
    const started = performance.now();
    await generate('fast.gguf');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('writes byte-identical files for the same seed and different weights for another', async () => {
    const [first, again, other] = await Promise.all([
      generate('a.gguf', 7).then((path) => readFile(path)),
      generate('b.gguf', 7).then((path) => readFile(path)),
      generate('c.gguf', 8).then((path) => readFile(path)),
    ]);
    expect(first.equals(again)).toBe(true);
    expect(other.length).toBe(first.length);
    expect(other.equals(first)).toBe(false);
  });

  it('draws weights from N(0, 0.02) and sets norm weights to one', async () => {
    const path = await generate('f16.gguf', 1, 'f16');
    const weights = await tensorValues(path, 'token_embd.weight');
    const mean = weights.reduce((sum, w) => sum + w, 0) / weights.length;
    const std = Math.sqrt(weights.reduce((sum, w) => sum + (w - mean) ** 2, 0) / weights.length);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    expect(new Set(await tensorValues(path, 'blk.0.attn_norm.weight'))).toEqual(new Set([1]));
  });
});

import { describe, expect, it } from 'vitest';
import { encodeTensorValues } from './encode-tensor-data.js';
import { GgmlType } from './ggml-types.js';

function halves(values: number[]): number[] {
  const bytes = encodeTensorValues(new Float32Array(values), GgmlType.F16);
  return [...new Uint16Array(bytes.buffer, bytes.byteOffset, values.length)];
}

function halfToNumber(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const magnitude = exponent === 0 ? fraction * 2 ** -24 : (1 + fraction / 1024) * 2 ** (exponent - 15);
  return bits & 0x8000 ? -magnitude : magnitude;
}

describe('F16 encoding', () => {
  it('encodes exactly representable values exactly', () => {
    expect(halves([0, 1, -2, 0.5, 65504, 2 ** -24])).toEqual([0x0000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001]);
  });

  it('rounds to nearest even, overflowing to infinity and underflowing to zero', () => {
    expect(halves([1 + 2 ** -11, 1 + 3 * 2 ** -11])).toEqual([0x3c00, 0x3c02]);
    expect(halves([65520, 1e6, -1e6])).toEqual([0x7c00, 0x7c00, 0xfc00]);
    expect(halves([2 ** -26, -0])).toEqual([0x0000, 0x8000]);
  });

  it('keeps infinities and NaN', () => {
    const [inf, nan] = halves([Number.POSITIVE_INFINITY, Number.NaN]);
    expect(inf).toBe(0x7c00);
    expect((nan ?? 0) & 0x7c00).toBe(0x7c00);
    expect((nan ?? 0) & 0x3ff).not.toBe(0);
  });

  it('stays within half a unit in the last place for ordinary weights', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.fround(Math.sin(i) * 0.05));
    halves(values).forEach((bits, i) => {
      const value = values[i] ?? 0;
      expect(Math.abs(halfToNumber(bits) - value)).toBeLessThanOrEqual(Math.abs(value) * 2 ** -11 + 2 ** -25);
    });
  });
});

describe('Q8_0 quantisation', () => {
  it('stores an f16 scale of max|x|/127 and rounded int8 quants per block of 32', () => {
    const values = new Float32Array(64).map((_, i) => (i < 32 ? (i - 16) / 16 : 0));
    const bytes = Buffer.from(encodeTensorValues(values, GgmlType.Q8_0));
    expect(bytes).toHaveLength(2 * 34);
    const scale = halfToNumber(bytes.readUInt16LE(0));
    expect(scale).toBeCloseTo(1 / 127, 4);
    const quants = [...new Int8Array(bytes.buffer, bytes.byteOffset + 2, 32)];
    expect(quants[0]).toBe(-127);
    expect(quants[16]).toBe(0);
    quants.forEach((q, i) => expect(Math.abs(q * scale - (values[i] ?? 0))).toBeLessThan(scale));
    expect([...bytes.subarray(34)]).toEqual(new Array(34).fill(0));
  });

  it('rounds halves away from zero as C roundf does', () => {
    const values = new Float32Array(32);
    values[0] = 127;
    values[1] = 2.5;
    values[2] = -2.5;
    const bytes = encodeTensorValues(values, GgmlType.Q8_0);
    expect([...new Int8Array(bytes.buffer, bytes.byteOffset + 2, 3)]).toEqual([127, 3, -3]);
  });
});

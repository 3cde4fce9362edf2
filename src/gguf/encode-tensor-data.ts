import { halfFromFloatBits } from './float16.js';
import { GgmlType, type WritableGgmlType } from './ggml-types.js';

export const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

// GGUF data is little-endian; so is every platform node-llama-cpp ships binaries for, which lets
// typed-array views stand in for explicit byte encoding.
export function encodeTensorValues(values: Float32Array, type: WritableGgmlType): Uint8Array {
  switch (type) {
    case GgmlType.F32:
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    case GgmlType.F16:
      return encodeF16(values);
    case GgmlType.Q8_0:
      return quantizeQ8_0(values);
  }
}

function encodeF16(values: Float32Array): Uint8Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const halves = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) halves[i] = halfFromFloatBits(bits[i] ?? 0);
  return new Uint8Array(halves.buffer);
}

const scaleScratch = new Float32Array(1);
const scaleBits = new Uint32Array(scaleScratch.buffer);

/** ggml's reference Q8_0: per block of 32, d = max|x| / 127 stored as f16, q = round(x / d). */
function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % Q8_0_BLOCK !== 0) throw new RangeError('Q8_0 needs a multiple of 32 values');
  const out = new Uint8Array((values.length / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES);
  const quants = new Int8Array(out.buffer);
  for (let start = 0, base = 0; start < values.length; start += Q8_0_BLOCK, base += Q8_0_BLOCK_BYTES) {
    let absMax = 0;
    for (let i = start; i < start + Q8_0_BLOCK; i++) absMax = Math.max(absMax, Math.abs(values[i] ?? 0));
    scaleScratch[0] = absMax / 127;
    const inverse = absMax === 0 ? 0 : Math.fround(1 / (scaleScratch[0] ?? 1));
    const half = halfFromFloatBits(scaleBits[0] ?? 0);
    out[base] = half & 0xff;
    out[base + 1] = half >>> 8;
    for (let i = 0; i < Q8_0_BLOCK; i++) quants[base + 2 + i] = roundHalfAway((values[start + i] ?? 0) * inverse);
  }
  return out;
}

/** C's roundf, which ggml uses; Math.round would send -0.5 to 0 rather than -1. */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/** IEEE half-precision bits for the float32 with the given bits, rounding to nearest even like ggml. */
export function halfFromFloatBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const halfExponent = exponent - 112; // rebias from 127 to 15
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) return sign | subnormalHalf(mantissa | 0x800000, 14 - halfExponent);
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  return sign | roundShift((halfExponent << 23) | mantissa, 13);
}

function subnormalHalf(significand: number, shift: number): number {
  return shift > 24 ? 0 : roundShift(significand, shift);
}

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return remainder > half || (remainder === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/**
 * Formats like Go's strconv.FormatFloat(value, 'f', decimals, 64) (and so fmt's %f): the exact
 * binary value rounded half-to-even. Number.prototype.toFixed rounds exact ties upwards instead
 * (1.125 → "1.13" where Go prints "1.12"), which would make reported strings drift from DMR's.
 */
export function formatGoFixed(value: number, decimals: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const { mantissa, exponent } = decompose(value);
  const scaled = mantissa * 10n ** BigInt(decimals);
  const rounded = exponent >= 0 ? scaled << BigInt(exponent) : divideHalfEven(scaled, 1n << BigInt(-exponent));
  const digits = rounded.toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return isNegative(value) ? `-${text}` : text;
}

const scratch = new DataView(new ArrayBuffer(8));

/** |value| = mantissa * 2^exponent exactly. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  scratch.setFloat64(0, value);
  const bits = scratch.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biasedExponent === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biasedExponent - 1075 };
}

function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  const roundUp = twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n);
  return roundUp ? quotient + 1n : quotient;
}

function isNegative(value: number): boolean {
  return value < 0 || Object.is(value, -0);
}

import { formatGoFixed } from './format-go-fixed.js';

type Units = ReadonlyArray<readonly [base: number, unit: string]>;

// gguf-parser-go interleaves binary and decimal units, so 1000..1023 bytes print as "K" and
// 1e6..1048575 bytes as "M"; DMR reports whatever it prints.
const BYTE_UNITS: Units = [
  [2 ** 50, 'Pi'],
  [1e15, 'P'],
  [2 ** 40, 'Ti'],
  [1e12, 'T'],
  [2 ** 30, 'Gi'],
  [1e9, 'G'],
  [2 ** 20, 'Mi'],
  [1e6, 'M'],
  [2 ** 10, 'Ki'],
  [1e3, 'K'],
];

const COUNT_UNITS: Units = [
  [1e15, 'Q'],
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** DMR's "size": gguf-parser-go's GGUFBytesScalar with the space removed, e.g. "256.35MiB". */
export function formatByteSize(bytes: number): string {
  return bytes === 0 ? '0B' : `${scaled(bytes, BYTE_UNITS)}B`;
}

/** DMR's "parameters": gguf-parser-go's GGUFParametersScalar with the space removed, e.g. "361.82M". */
export function formatParameterCount(count: number): string {
  return count === 0 ? '0' : scaled(count, COUNT_UNITS);
}

function scaled(value: number, units: Units): string {
  const [base, unit] = units.find(([threshold]) => value >= threshold) ?? [1, ''];
  const text = formatGoFixed(value / base, 2);
  return (text.endsWith('.00') ? text.slice(0, -3) : text) + unit;
}

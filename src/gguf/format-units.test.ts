import { describe, expect, it } from 'vitest';
import { formatGoFixed } from './format-go-fixed.js';
import { formatByteSize, formatParameterCount } from './format-units.js';

describe('formatParameterCount', () => {
  it.each([
    [361_820_000, '361.82M'],
    [134_515_008, '134.52M'],
    [1_235_814_400, '1.24B'],
    [135_000, '135K'],
    [205_120, '205.12K'],
    [1_000_000, '1M'],
    [999, '999'],
    [0, '0'],
  ])('formats %d as %s like DMR', (count, expected) => {
    expect(formatParameterCount(count)).toBe(expected);
  });
});

describe('formatByteSize', () => {
  it.each([
    [268_800_000, '256.35MiB'],
    [1_288_490_189, '1.20GiB'],
    [921_600, '900KiB'],
    [1_179_648, '1.12MiB'],
    [512, '512B'],
    [1_000, '1KB'],
    [1_010, '1.01KB'],
    [1_000_000, '1MB'],
    [1_048_575, '1.05MB'],
    [0, '0B'],
  ])('formats %d bytes as %s like DMR', (bytes, expected) => {
    expect(formatByteSize(bytes)).toBe(expected);
  });
});

describe('formatGoFixed', () => {
  it('matches Go %f for typical metadata floats', () => {
    expect(formatGoFixed(Math.fround(1e-5), 6)).toBe('0.000010');
    expect(formatGoFixed(Math.fround(1e-12), 6)).toBe('0.000000');
    expect(formatGoFixed(10000, 6)).toBe('10000.000000');
    expect(formatGoFixed(-2.5, 6)).toBe('-2.500000');
    expect(formatGoFixed(1e22, 2)).toBe('10000000000000000000000.00');
  });

  it('rounds exact ties to even where toFixed rounds up', () => {
    expect(formatGoFixed(1.125, 2)).toBe('1.12');
    expect(formatGoFixed(1.375, 2)).toBe('1.38');
    expect(formatGoFixed(1 / 128, 6)).toBe('0.007812');
    expect((1 / 128).toFixed(6)).toBe('0.007813');
  });

  it('keeps the sign of values that round to zero and spells non-finite values like Go', () => {
    expect(formatGoFixed(-1e-9, 6)).toBe('-0.000000');
    expect(formatGoFixed(Number.POSITIVE_INFINITY, 6)).toBe('+Inf');
    expect(formatGoFixed(Number.NaN, 6)).toBe('NaN');
  });
});

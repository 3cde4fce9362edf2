import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseKeepAlive } from './go-duration.js';

describe('keep_alive durations', () => {
  it.each([
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['30s', 30_000],
    ['250ms', 250],
    ['0', 0],
    ['-1', -1],
    ['-5m', -1],
    ['120', 120_000],
  ])('parses %s', (text, ms) => {
    expect(parseKeepAlive(text)).toBe(ms);
  });

  it('refuses what is not a duration', () => {
    expect(() => parseKeepAlive('soon')).toThrow('invalid keep_alive');
    expect(() => parseKeepAlive('5 m')).toThrow('invalid keep_alive');
  });

  it('formats as Go does', () => {
    expect(formatGoDuration(300_000)).toBe('5m0s');
    expect(formatGoDuration(3_600_000)).toBe('1h0m0s');
    expect(formatGoDuration(1_500)).toBe('1.5s');
    expect(formatGoDuration(0)).toBe('0s');
  });
});

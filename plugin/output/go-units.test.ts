import { describe, expect, it } from 'vitest';
import { fixedSize, humanDuration, humanSize } from './go-units.js';

describe("go-units' human forms, as DMR's CLI prints them", () => {
  it('says durations in words, rounding hours', () => {
    expect(humanDuration(500)).toBe('Less than a second');
    expect(humanDuration(1_000)).toBe('1 second');
    expect(humanDuration(59_000)).toBe('59 seconds');
    expect(humanDuration(90_000)).toBe('About a minute');
    expect(humanDuration(5 * 60_000)).toBe('5 minutes');
    expect(humanDuration(89 * 60_000)).toBe('About an hour');
    expect(humanDuration(90 * 60_000)).toBe('2 hours');
    expect(humanDuration(3 * 86_400_000)).toBe('3 days');
    expect(humanDuration(21 * 86_400_000)).toBe('3 weeks');
    expect(humanDuration(90 * 86_400_000)).toBe('3 months');
    expect(humanDuration(800 * 86_400_000)).toBe('2 years');
  });

  it('says sizes in decimal units with four significant digits', () => {
    expect(humanSize(0)).toBe('0B');
    expect(humanSize(999)).toBe('999B');
    expect(humanSize(1_500)).toBe('1.5kB');
    expect(humanSize(123_456_789)).toBe('123.5MB');
    expect(humanSize(2_000_000_000)).toBe('2GB');
    expect(fixedSize(0)).toBe('0.00B');
    expect(fixedSize(1_234_567)).toBe('1.23MB');
  });
});

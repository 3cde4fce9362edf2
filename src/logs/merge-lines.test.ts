import { describe, expect, it } from 'vitest';
import { bracketLine, lineTime } from './bracket-time.js';
import { mergeLines } from './merge-lines.js';

describe('merging the service and engine logs', () => {
  it('orders lines by their bracket timestamp, the service first on a tie, as DMR does', () => {
    const service = ['[2026-01-01T00:00:01.000000000Z] s1', '[2026-01-01T00:00:03.5Z] s2', '[2026-01-01T00:00:05.000000000Z] s3'];
    const engine = ['[2026-01-01T00:00:02.000000000Z] e1', '[2026-01-01T00:00:03.500000000Z] e2', '[2026-01-01T00:00:06.000000000Z] e3'];
    expect([...mergeLines(service, engine)].map((line) => line.split('] ')[1])).toEqual(['s1', 'e1', 's2', 'e2', 's3', 'e3']);
  });

  it('lets a line without a timestamp out as soon as its file is read that far, and drops empty lines', () => {
    const service = ['plain start', '[2026-01-01T00:00:04.000000000Z] s1', 'continued', '', '[2026-01-01T00:00:05.000000000Z] s2'];
    const engine = ['[2026-01-01T00:00:01.000000000Z] e1', '[2026-01-01T00:00:06.000000000Z] e2'];
    expect([...mergeLines(service, engine)].map((line) => line.split('] ').at(-1))).toEqual(['plain start', 'e1', 's1', 'continued', 's2', 'e2']);
    expect([...mergeLines(service, [])]).toHaveLength(4);
  });

  it('writes DMR’s nanosecond bracket timestamp, which sorts as it reads', () => {
    const line = bracketLine('{"msg":"hi"}', new Date('2026-03-04T05:06:07.089Z'));
    expect(line).toBe('[2026-03-04T05:06:07.089000000Z] {"msg":"hi"}\n');
    expect(lineTime(line)).toBe('2026-03-04T05:06:07.089000000');
    expect(lineTime('{"msg":"no stamp"}')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.js';

const env: Record<string, string> = { MODEL: 'ai/smollm2', EMPTY: '', TAG: 'latest' };
const lookup = (name: string) => env[name];

describe('interpolate', () => {
  it.each([
    ['ai/x', 'ai/x'],
    ['$MODEL', 'ai/smollm2'],
    ['${MODEL}:${TAG}', 'ai/smollm2:latest'],
    ['${UNSET}', ''],
    ['${UNSET:-ai/default}', 'ai/default'],
    ['${EMPTY:-ai/default}', 'ai/default'],
    ['${EMPTY-ai/default}', ''],
    ['${UNSET-ai/default}', 'ai/default'],
    ['${MODEL:+set}', 'set'],
    ['${EMPTY:+set}', ''],
    ['${EMPTY+set}', 'set'],
    ['${UNSET:-${MODEL}}', 'ai/smollm2'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['$$MODEL costs $$5', '$MODEL costs $5'],
  ])('%s reads %s', (text, expected) => {
    expect(interpolate(text, lookup)).toBe(expected);
  });

  it('fails on a required variable that is unset or empty, with the message given', () => {
    expect(() => interpolate('${UNSET:?give a model}', lookup)).toThrow('required variable UNSET is missing a value: give a model');
    expect(() => interpolate('${EMPTY:?}', lookup)).toThrow('required variable EMPTY is missing a value');
    expect(interpolate('${EMPTY?}', lookup)).toBe('');
  });

  it.each(['${', '${MODEL', '$1', 'cost: $', '${1X}', '${MODEL:x}'])('rejects the malformed %s', (text) => {
    expect(() => interpolate(text, lookup)).toThrow(/invalid interpolation format/);
  });
});

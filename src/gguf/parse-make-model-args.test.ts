import { describe, expect, it } from 'vitest';
import { parseMakeModelArgs, UsageError } from './parse-make-model-args.js';

describe('parseMakeModelArgs', () => {
  it('accepts a preset, a type, an output path and an optional seed', () => {
    expect(parseMakeModelArgs(['--preset', 'tiny', '--type', 'q8_0', '--out', '/tmp/m.gguf'])).toEqual({
      preset: 'tiny',
      type: 'q8_0',
      out: '/tmp/m.gguf',
    });
    expect(parseMakeModelArgs(['--preset=minilm', '--type=f16', '--out=m.gguf', '--seed=4294967295'])).toEqual({
      preset: 'minilm',
      type: 'f16',
      out: 'm.gguf',
      seed: 4294967295,
    });
  });

  it.each([
    [['--type', 'f16', '--out', 'm.gguf'], /--preset must be one of tiny, smollm2-135m/],
    [['--preset', 'gpt5', '--type', 'f16', '--out', 'm.gguf'], /--preset/],
    [['--preset', 'tiny', '--type', 'q4_0', '--out', 'm.gguf'], /--type must be f16 or q8_0/],
    [['--preset', 'tiny', '--type', 'f16'], /--out is required/],
    [['--preset', 'tiny', '--type', 'f16', '--out', 'm.gguf', '--seed', '1.5'], /--seed/],
    [['--preset', 'tiny', '--type', 'f16', '--out', 'm.gguf', '--seed', '4294967296'], /--seed/],
    [['--preset', 'tiny', '--type', 'f16', '--out', 'm.gguf', '--verbose'], /Unknown option '--verbose'/],
    [['--preset', 'tiny', '--type', 'f16', '--out', 'm.gguf', 'extra'], /extra/],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseMakeModelArgs(argv)).toThrow(UsageError);
    expect(() => parseMakeModelArgs(argv)).toThrow(message);
  });
});

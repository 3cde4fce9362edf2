import { describe, expect, it } from 'vitest';
import { StopMatcher } from './stop-matcher.js';

function run(stops: string[], pieces: string[]): { text: string; stop: string | undefined } {
  const matcher = new StopMatcher(stops);
  let text = '';
  for (const piece of pieces) {
    const { emit, stop } = matcher.push(piece);
    text += emit;
    if (stop !== undefined) return { text, stop };
  }
  return { text: text + matcher.flush(), stop: undefined };
}

describe('StopMatcher', () => {
  it('passes text through when no stop string is given', () => {
    expect(run([], ['hel', 'lo'])).toEqual({ text: 'hello', stop: undefined });
  });

  it('stops before a stop string that arrives split across pieces', () => {
    expect(run(['END'], ['abc E', 'N', 'D tail'])).toEqual({ text: 'abc ', stop: 'END' });
  });

  it('releases held-back text that turned out not to be a stop string', () => {
    const matcher = new StopMatcher(['END']);
    expect(matcher.push('abc EN')).toEqual({ emit: 'abc ', stop: undefined });
    expect(matcher.push('X')).toEqual({ emit: 'ENX', stop: undefined });
  });

  it('stops at the earliest of several stop strings and names it', () => {
    expect(run(['b', 'zz'], ['azzb'])).toEqual({ text: 'a', stop: 'zz' });
  });

  it('returns held text at the end when generation finishes first', () => {
    expect(run(['\n\n'], ['line\n'])).toEqual({ text: 'line\n', stop: undefined });
  });
});

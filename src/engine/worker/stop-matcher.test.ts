import { describe, expect, it } from 'vitest';
import { StopMatcher } from './stop-matcher.js';

function run(stops: string[], pieces: string[]): { text: string; stopped: boolean } {
  const matcher = new StopMatcher(stops);
  let text = '';
  for (const piece of pieces) {
    const { emit, stopped } = matcher.push(piece);
    text += emit;
    if (stopped) return { text, stopped };
  }
  return { text: text + matcher.flush(), stopped: false };
}

describe('StopMatcher', () => {
  it('passes text through when no stop string is given', () => {
    expect(run([], ['hel', 'lo'])).toEqual({ text: 'hello', stopped: false });
  });

  it('stops before a stop string that arrives split across pieces', () => {
    expect(run(['END'], ['abc E', 'N', 'D tail'])).toEqual({ text: 'abc ', stopped: true });
  });

  it('releases held-back text that turned out not to be a stop string', () => {
    const matcher = new StopMatcher(['END']);
    expect(matcher.push('abc EN')).toEqual({ emit: 'abc ', stopped: false });
    expect(matcher.push('X')).toEqual({ emit: 'ENX', stopped: false });
  });

  it('stops at the earliest of several stop strings', () => {
    expect(run(['b', 'zz'], ['azzb'])).toEqual({ text: 'a', stopped: true });
  });

  it('returns held text at the end when generation finishes first', () => {
    expect(run(['\n\n'], ['line\n'])).toEqual({ text: 'line\n', stopped: false });
  });
});

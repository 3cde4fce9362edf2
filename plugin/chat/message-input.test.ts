import { describe, expect, it } from 'vitest';
import { MessageInput } from './message-input.js';

function typed(input: MessageInput, lines: string[]): (string | undefined)[] {
  return lines.map((line) => input.push(line));
}

describe('messages typed into the REPL, as DMR gathers them', () => {
  it('sends a plain line as it is', () => {
    expect(typed(new MessageInput(), ['hello there'])).toEqual(['hello there']);
  });

  it('gathers """ messages until a line ends with """, keeping the line breaks between', () => {
    const input = new MessageInput();
    expect(typed(input, ['"""first', 'second'])).toEqual([undefined, undefined]);
    expect(input.continuing).toBe(true);
    expect(input.push('third"""')).toBe('first\nsecond\nthird');
    expect(input.continuing).toBe(false);
  });

  it('reads """ alone as an opening, and """ … """ on one line as a whole message', () => {
    expect(typed(new MessageInput(), ['"""', 'body', '"""'])).toEqual([undefined, undefined, '\nbody\n']);
    expect(typed(new MessageInput(), ['"""all at once"""'])).toEqual(['all at once']);
    expect(typed(new MessageInput(), ['""""""'])).toEqual(['']);
  });

  it('drops a half-typed message on reset, as Ctrl+C does', () => {
    const input = new MessageInput();
    input.push('"""abandoned');
    input.reset();
    expect(input.continuing).toBe(false);
    expect(input.push('fresh')).toBe('fresh');
  });
});

import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { printChat } from './chat-printer.js';
import type { ChatDelta } from './chat-stream.js';
import { chatStyle } from './chat-style.js';

async function printed(deltas: ChatDelta[], style = chatStyle('no', { out: {}, env: {} })): Promise<{ shown: string; answer: string }> {
  const out = new PassThrough();
  async function* stream(): AsyncGenerator<ChatDelta> {
    yield* deltas;
  }
  const answer = await printChat(stream(), out, style);
  out.end();
  return { shown: await text(out), answer };
}

describe('an answer printed as it streams', () => {
  it('prints content as it comes and returns it', async () => {
    expect(await printed([{ content: 'Hel' }, { content: 'lo' }])).toEqual({ shown: 'Hello', answer: 'Hello' });
  });

  it('shows reasoning under "Thinking:" and a rule before the answer, keeping reasoning out of the answer', async () => {
    const { shown, answer } = await printed([{ reasoning: 'hmm' }, { reasoning: '…' }, { content: 'Yes.' }, { reasoning: 'again' }]);
    expect(shown).toBe('Thinking:\nhmm…\n\n--\n\nYes.\n\nThinking:\nagain');
    expect(answer).toBe('Yes.');
  });

  it('reports token usage at the end when the runner sends it', async () => {
    const { shown } = await printed([{ content: 'ok' }, { usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }]);
    expect(shown).toBe('ok\n\nToken usage: 3 prompt + 1 completion = 4 total');
  });

  it('dims reasoning on a terminal only, and never for NO_COLOR', async () => {
    const terminal = await printed([{ reasoning: 'r' }, { content: 'c' }], chatStyle('no', { out: { isTTY: true }, env: {} }));
    expect(terminal.shown).toBe('\x1b[2mThinking:\n\x1b[22m\x1b[2mr\x1b[22m\n\n--\n\nc');
    const noColor = await printed([{ reasoning: 'r' }], chatStyle('yes', { out: { isTTY: true }, env: { NO_COLOR: '1' } }));
    expect(noColor.shown).toBe('Thinking:\nr');
  });
});

import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../src/shared/errors.js';
import type { ChatMessage } from './chat-stream.js';
import { runRepl } from './repl.js';
import type { Typed } from './terminal-prompt.js';

type Reply = string | Error;

/** A REPL fed typed lines, answering from `replies`; what it asked, printed and configured. */
async function session(typed: (Typed | string)[], replies: Reply[] = []) {
  const out = new PassThrough();
  const err = new PassThrough();
  const prompts: string[] = [];
  const asked: ChatMessage[][] = [];
  const contextSizes: number[] = [];
  await runRepl({
    terminal: {
      read: async (prompt) => {
        prompts.push(prompt);
        const next = typed.shift() ?? 'end';
        return typeof next === 'string' && next !== 'end' && next !== 'interrupt' ? { line: next } : next;
      },
      interruptible: (work) => work(new AbortController().signal),
    },
    out,
    err,
    chat: async (messages) => {
      asked.push(messages);
      const reply = replies.shift() ?? 'ok';
      if (reply instanceof Error) throw reply;
      out.write(reply);
      return reply;
    },
    setContextSize: async (size) => {
      if (size > 100_000) throw new RunnerError('invalid_request', 'too big');
      contextSizes.push(size);
    },
  });
  out.end();
  err.end();
  return { prompts, asked, contextSizes, out: await text(out), err: await text(err) };
}

const abort = () => Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });

describe("the REPL, as DMR's", () => {
  it('sends the conversation so far with each message, led by the system message once set', async () => {
    const { asked, out } = await session(['hello', '/set system be brief', 'again', '/bye'], ['hi', 'yes']);
    expect(asked).toEqual([
      [{ role: 'user', content: 'hello' }],
      [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'again' },
      ],
    ]);
    expect(out).toBe('hi\nyes\n');
  });

  it('gathers a """ message over several prompts, shown with the continuation prompt', async () => {
    const { asked, prompts } = await session(['"""', 'line one', 'line two"""', '/exit']);
    expect(asked).toEqual([[{ role: 'user', content: '\nline one\nline two' }]]);
    expect(prompts).toEqual(['> ', '. ', '. ', '> ']);
  });

  it('leaves an interrupted or failed answer out of the conversation and goes on', async () => {
    const failed = new RunnerError('invalid_request', 'Failed to generate a response: too long');
    const { asked, out, err } = await session(['story', 'long one', 'short'], [abort(), failed, 'done']);
    expect(asked.at(-1)).toEqual([{ role: 'user', content: 'short' }]);
    expect(out).toBe('\ndone\n\n');
    expect(err).toBe('Failed to generate a response: too long\n');
  });

  it('answers Ctrl+C at the prompt with a hint, dropping a half-typed message, and ends on Ctrl+D', async () => {
    const { asked, out, prompts } = await session(['"""half', 'interrupt', 'whole', 'end']);
    expect(out).toBe('\nUse Ctrl + d or /bye to exit.\nok\n\n');
    expect(asked).toEqual([[{ role: 'user', content: 'whole' }]]);
    expect(prompts).toEqual(['> ', '. ', '> ', '> ']);
  });

  it('sends nothing for an empty line, and treats /lines as commands only outside """', async () => {
    const { asked, out } = await session(['', '/nope', '"""', '/bye', '"""', '/bye', 'never read']);
    expect(asked).toEqual([[{ role: 'user', content: '\n/bye\n' }]]);
    expect(out).toBe("Unknown command '/nope'. Type /? for help\nok\n");
  });

  it('sets the context size through the runner, refusing what is not a positive integer', async () => {
    const { contextSizes, err } = await session(['/set num_ctx 4096', '/set num_ctx -1', '/set num_ctx x', '/set parameter num_ctx 2048', '/set num_ctx 999999', '/set num_ctx']);
    expect(contextSizes).toEqual([4096, 2048]);
    expect(err).toBe(
      'Set num_ctx to 4096\n' +
        'Invalid value for num_ctx: -1 (must be a positive integer)\n' +
        'Invalid value for num_ctx: x (must be a positive integer)\n' +
        'Set num_ctx to 2048\n' +
        'Failed to set num_ctx: too big\n' +
        'Usage: /set num_ctx <value>\n',
    );
  });

  it('prints help for /? and /help, by topic', async () => {
    const { err } = await session(['/?', '/help set', '/? shortcuts', '/set system', '/set colour blue']);
    expect(err).toMatch(/^Available Commands:\n {2}\/bye {12}Exit\n/);
    expect(err).toContain('Available /set commands:\n  /set system <message>');
    expect(err).toContain('  Ctrl + c            Stop the model from responding\n');
    expect(err).toContain('Cleared system message.\n');
    expect(err).toContain('Unknown /set option: colour\nAvailable /set commands:');
  });
});

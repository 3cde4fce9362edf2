import type { ChatMessage } from './chat-stream.js';
import { MessageInput } from './message-input.js';
import { replCommand, type ReplCommandDeps, type ReplSettings } from './repl-commands.js';
import type { Typed } from './terminal-prompt.js';

export interface ReplTerminal {
  read(prompt: string): Promise<Typed>;
  interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface ReplDeps extends ReplCommandDeps {
  terminal: ReplTerminal;
  /** Streams the answer to `messages` onto `out` and returns it; its errors read as the user should see them. */
  chat(messages: ChatMessage[], signal: AbortSignal): Promise<string>;
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** DMR's interactive chat: the conversation so far goes with every message, led by the system message. */
export async function runRepl(deps: ReplDeps): Promise<void> {
  const input = new MessageInput();
  const settings: ReplSettings = { system: '' };
  const conversation: ChatMessage[] = [];
  for (;;) {
    const typed = await deps.terminal.read(input.continuing ? '. ' : '> ');
    if (typed === 'end') return void deps.out.write('\n');
    if (typed === 'interrupt') {
      deps.out.write('\nUse Ctrl + d or /bye to exit.\n');
      input.reset();
      continue;
    }
    if (!input.continuing && typed.line.startsWith('/')) {
      if ((await replCommand(typed.line, settings, deps)) === 'exit') return;
      continue;
    }
    const message = input.push(typed.line);
    if (!message) continue;
    const asked: ChatMessage = { role: 'user', content: message };
    const system: ChatMessage[] = settings.system ? [{ role: 'system', content: settings.system }] : [];
    try {
      const answer = await deps.terminal.interruptible((signal) => deps.chat([...system, ...conversation, asked], signal));
      conversation.push(asked, { role: 'assistant', content: answer });
      deps.out.write('\n');
    } catch (error) {
      if (isAbort(error)) deps.out.write('\n');
      else deps.err.write(`${(error as Error).message}\n`);
    }
  }
}

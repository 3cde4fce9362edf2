import { createInterface } from 'node:readline';

export type TerminalInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

/** What one prompt got: a line, Ctrl+C, or the end of input (Ctrl+D on an empty line). */
export type Typed = { line: string } | 'interrupt' | 'end';

const CTRL_C = 0x03;

export interface TerminalPromptOptions {
  input: TerminalInput;
  output: NodeJS.WritableStream;
  /** Up and down recall earlier lines, unless DOCKER_MODEL_NOHISTORY is set, as in DMR. */
  history: boolean;
}

/**
 * The REPL's terminal. The terminal stays raw the whole session, during answers too, so Ctrl+C is
 * a key this process reads and never a SIGINT: the docker CLI, which runs this plugin, kills a
 * plugin after a few SIGINTs.
 */
export class TerminalPrompt {
  readonly #options: TerminalPromptOptions;
  #history: string[] = [];

  constructor(options: TerminalPromptOptions) {
    this.#options = options;
  }

  /** One line with node's line editing; a fresh interface each time, so none reads during answers. */
  read(prompt: string): Promise<Typed> {
    const { input, output, history } = this.#options;
    const lines = createInterface({ input, output, prompt, terminal: true, history: [...this.#history], historySize: history ? 1000 : 0, removeHistoryDuplicates: true });
    lines.on('history', (kept: string[]) => (this.#history = [...kept]));
    return new Promise((resolve) => {
      const settle = (typed: Typed) => {
        resolve(typed);
        lines.close();
      };
      lines.once('line', (line: string) => settle({ line }));
      lines.once('SIGINT', () => settle('interrupt'));
      lines.once('close', () => resolve('end'));
      lines.prompt();
    });
  }

  /** Runs `work` with Ctrl+C aborting its signal; other keys typed meanwhile are dropped. */
  async interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { input } = this.#options;
    const controller = new AbortController();
    const onData = (data: Buffer | string) => {
      if (Buffer.from(data).includes(CTRL_C)) controller.abort();
    };
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
    try {
      return await work(controller.signal);
    } finally {
      input.off('data', onData);
      input.pause();
    }
  }
}

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../plugin/chat/chat-stream.js';
import { dockerModel, pluginConfigDir } from './helpers/docker-model.js';
import { forwardHeaders, forwardRequest } from './helpers/forward-request.js';
import { generatedModel } from './helpers/models.js';
import { enginePs, postJson } from './helpers/packaged-runner.js';
import { npmRun } from './helpers/run-command.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Hold {
  /** The answer has begun (its first event reached the client) and goes no further. */
  held: Promise<void>;
  /** The client hung up on the held answer. */
  left: Promise<void>;
}

interface ChatProxy {
  url: string;
  /** The chat requests that asked for an answer (not preloads), as the CLI sent them. */
  chats: { model: string; messages: ChatMessage[]; stream?: boolean }[];
  /** The next streamed answer stops after its first event, as a long answer would seem, until its client leaves. */
  holdNext(): Hold;
  close(): Promise<void>;
}

function relay(answer: IncomingMessage, res: ServerResponse, hold: (Hold & { begin(): void; end(): void }) | undefined): void {
  res.writeHead(answer.statusCode ?? 502, forwardHeaders(answer.headers));
  if (!hold) return void answer.pipe(res);
  answer.once('data', (chunk: Buffer) => {
    const firstEvent = chunk.indexOf('\n\n');
    res.write(firstEvent === -1 ? chunk : chunk.subarray(0, firstEvent + 2));
    answer.pause();
    hold.begin();
  });
  res.on('close', () => {
    answer.destroy();
    hold.end();
  });
}

/** A proxy in front of the runner that records what the CLI asks and can stall one answer midway. */
async function chatProxy(target: string): Promise<ChatProxy> {
  const chats: ChatProxy['chats'] = [];
  let nextHold: (Hold & { begin(): void; end(): void }) | undefined;
  const server = createServer(async (req, res) => {
    const body = await text(req);
    const isChat = req.url?.endsWith('/chat/completions') && req.headers['x-preload-only'] !== 'true';
    if (isChat) chats.push(JSON.parse(body) as ChatProxy['chats'][number]);
    const upstream = forwardRequest(req, new URL(target));
    upstream.on('response', (answer) => {
      const hold = isChat && answer.headers['content-type']?.startsWith('text/event-stream') ? nextHold : undefined;
      if (hold) nextHold = undefined;
      relay(answer, res, hold);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    chats,
    holdNext() {
      let begin = () => {};
      let end = () => {};
      const held = new Promise<void>((resolve) => (begin = resolve));
      const left = new Promise<void>((resolve) => (end = resolve));
      nextHold = { held, left, begin, end };
      return { held, left };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** `docker model run` on a terminal of its own: a tmux session on a private server, typed into and read back. */
class TerminalSession {
  readonly #dir: string;
  readonly #tmux: string[];

  private constructor(dir: string) {
    this.#dir = dir;
    this.#tmux = ['-S', join(dir, 'tmux.sock')];
  }

  static async start(args: string[], env: Record<string, string>): Promise<TerminalSession> {
    const session = new TerminalSession(await mkdtemp(join(tmpdir(), 'model-run-tmux-')));
    const assignments = Object.entries(env).map(([name, value]) => `${name}='${value}'`);
    const command = `env ${assignments.join(' ')} docker model ${args.join(' ')}; echo "exited $?"; sleep 600`;
    await execFileAsync('tmux', [...session.#tmux, 'new-session', '-d', '-x', '120', '-y', '40', '-s', 'run', command]);
    return session;
  }

  /** Types `line` and presses Enter. */
  async type(line: string): Promise<void> {
    await execFileAsync('tmux', [...this.#tmux, 'send-keys', '-t', 'run', '-l', line]);
    await this.press('Enter');
  }

  async press(key: string): Promise<void> {
    await execFileAsync('tmux', [...this.#tmux, 'send-keys', '-t', 'run', key]);
  }

  /** The whole session so far, scrollback included, lines trimmed at the right. */
  async screen(): Promise<string[]> {
    const { stdout } = await execFileAsync('tmux', [...this.#tmux, 'capture-pane', '-p', '-J', '-S', '-', '-t', 'run'], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '');
  }

  async waitFor(what: string, done: (lines: string[]) => boolean): Promise<string[]> {
    for (const started = Date.now(); Date.now() - started < 30_000; await sleep(50)) {
      const lines = await this.screen();
      if (done(lines)) return lines;
    }
    throw new Error(`waited in vain for ${what}; the terminal shows:\n${(await this.screen()).join('\n')}`);
  }

  /** Waits for the REPL to be back at `> ` after the line `echoed`, and returns what it printed in between. */
  async answerTo(echoed: string): Promise<string[]> {
    const lines = await this.waitFor(`the prompt after "${echoed}"`, (lines) => lines.at(-1) === '>' && lines.lastIndexOf(echoed) !== -1);
    return lines.slice(lines.lastIndexOf(echoed) + 1, -1);
  }

  async ask(line: string): Promise<string[]> {
    await this.type(line);
    return this.answerTo(`> ${line}`);
  }

  async close(): Promise<void> {
    await execFileAsync('tmux', [...this.#tmux, 'kill-server']).catch(() => undefined);
    await rm(this.#dir, { recursive: true, force: true });
  }
}

describe('docker model run, through the real docker client against a runner process', () => {
  let runner: RunningRunner;
  let proxy: ChatProxy;
  let configDir: string;
  let env: Record<string, string>;
  const run = (args: string[], input?: string) => dockerModel(configDir, ['run', ...args], env, input);
  const terminal = () => TerminalSession.start(['run', 'ai/tiny'], { DOCKER_CONFIG: configDir, ...env });

  beforeAll(async () => {
    // No registry answers there, so a model the runner lacks fails to pull at once.
    const started = startRunner({ env: { DEFAULT_REGISTRY: '127.0.0.1:1' } });
    [runner, configDir] = await Promise.all([started, pluginConfigDir()]);
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--context-size', '512', 'ai/tiny'], { MODEL_RUNNER_HOST: runner.url });
    proxy = await chatProxy(runner.url);
    env = { MODEL_RUNNER_HOST: proxy.url };
  });

  afterAll(async () => {
    await proxy?.close();
    await runner?.[Symbol.asyncDispose]();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('answers a prompt given as words in one streamed request, then exits 0', async () => {
    const { stdout, stderr, code } = await run(['ai/tiny', 'say', 'hello']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.trim()).not.toBe('');
    expect(stdout.endsWith('\n')).toBe(true);
    expect(proxy.chats.at(-1)).toEqual({ model: 'ai/tiny', messages: [{ role: 'user', content: 'say hello' }], stream: true });
  });

  it('sends piped stdin after the prompt and a blank line, or alone when there is no prompt', async () => {
    expect((await run(['ai/tiny', 'summarise', 'this'], 'piped text\n')).code).toBe(0);
    expect(proxy.chats.at(-1)?.messages).toEqual([{ role: 'user', content: 'summarise this\n\npiped text\n' }]);
    const alone = await run(['ai/tiny'], 'only stdin');
    expect(alone.code).toBe(0);
    expect(alone.stdout.trim()).not.toBe('');
    expect(proxy.chats.at(-1)?.messages).toEqual([{ role: 'user', content: 'only stdin' }]);
  });

  it('loads the model and exits with --detach, generating nothing', async () => {
    await postJson(runner, '/engines/unload', { all: true });
    const chatsBefore = proxy.chats.length;
    expect(await run(['--detach', 'ai/tiny'])).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await enginePs(runner)).toEqual([expect.objectContaining({ model_name: 'ai/tiny' })]);
    expect(proxy.chats.length).toBe(chatsBefore);
  });

  it('tries to pull a model it lacks, and fails in one line when no registry has it', async () => {
    const { stdout, stderr, code } = await run(['ai/absent', 'hi']);
    expect(code).toBe(1);
    expect(stdout).toBe("Unable to find model 'ai/absent' locally. Pulling from the server.\n");
    expect(stderr).toMatch(/^Failed to pull model: pulling ai\/absent failed with status 500 Internal Server Error: [^\n]*127\.0\.0\.1:1[^\n]*\n$/);
  });

  it("prints the runner's refusal of a chat in one line and exits 1", async () => {
    const { stderr, code } = await run(['ai/tiny'], 'many words '.repeat(4_000));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Failed to generate a response: [^\n]*context[^\n]*\n$/);
  });

  it('holds a conversation in the REPL: history, """ messages, the system message, /set num_ctx, help and /bye', async () => {
    const session = await terminal();
    try {
      await session.waitFor('the first prompt', (lines) => lines.at(-1) === '>');
      // Random answers run to the end of the context; a larger one keeps the whole conversation in it.
      await session.type('/set num_ctx 4096');
      await session.waitFor('num_ctx to be set', (lines) => lines.includes('Set num_ctx to 4096'));
      expect((await session.ask('hello there')).join('')).not.toBe('');
      await session.type('/set system You answer in one word.');
      await session.waitFor('the system message', (lines) => lines.includes('Set system message.'));
      await session.type('"""');
      await session.type('first line');
      await session.type('second line"""');
      expect((await session.answerTo('. second line"""')).join('')).not.toBe('');
      const [first, second] = proxy.chats.slice(-2);
      expect(first?.messages).toEqual([{ role: 'user', content: 'hello there' }]);
      expect(second?.messages).toEqual([
        { role: 'system', content: 'You answer in one word.' },
        { role: 'user', content: 'hello there' },
        { role: 'assistant', content: expect.stringMatching(/./) },
        { role: 'user', content: '\nfirst line\nsecond line' },
      ]);
      await session.type('/?');
      await session.waitFor('the help', (lines) => lines.includes('Available Commands:'));
      await session.type('/bye');
      await session.waitFor('the exit', (lines) => lines.at(-1) === 'exited 0');
    } finally {
      await session.close();
    }
  });

  it('stops an answer on Ctrl+C and goes on; Ctrl+C at the prompt gives a hint, Ctrl+D exits', async () => {
    const session = await terminal();
    try {
      await session.waitFor('the first prompt', (lines) => lines.at(-1) === '>');
      const { held, left } = proxy.holdNext();
      await session.type('tell me a long story');
      await held;
      await sleep(300);
      expect((await session.screen()).at(-1)).toBe('> tell me a long story');
      await session.press('C-c');
      await left;
      await session.answerTo('> tell me a long story');
      expect((await session.ask('and now?')).join('')).not.toBe('');
      expect(proxy.chats.at(-1)?.messages).toEqual([{ role: 'user', content: 'and now?' }]);
      await session.press('C-c');
      await session.waitFor('the hint', (lines) => lines.at(-2) === 'Use Ctrl + d or /bye to exit.' && lines.at(-1) === '>');
      await session.press('C-d');
      await session.waitFor('the exit', (lines) => lines.at(-1) === 'exited 0');
    } finally {
      await session.close();
    }
  });
});

import { text } from 'node:stream/consumers';
import { Command, Option } from 'commander';
import type { RunnerClient } from '../../src/api/runner-client.js';
import { isRunnerError, RunnerError } from '../../src/shared/errors.js';
import { printChat } from '../chat/chat-printer.js';
import { chatDeltas, type ChatMessage } from '../chat/chat-stream.js';
import { chatStyle, parseColorMode, type ChatStyle } from '../chat/chat-style.js';
import { preloadModel } from '../chat/preload-model.js';
import { runRepl } from '../chat/repl.js';
import { TerminalPrompt } from '../chat/terminal-prompt.js';
import type { CliContext } from '../cli-context.js';
import { clientCall } from '../client-error.js';
import { transferModel } from './transfer-commands.js';

interface RunOptions {
  detach?: boolean;
  color: string;
}

type Chat = (messages: ChatMessage[], signal?: AbortSignal) => Promise<string>;

/** The words after MODEL, then whatever is piped in after a blank line, as DMR joins them. */
async function readPrompt(words: string[], stdin: CliContext['stdin']): Promise<string> {
  const prompt = words.join(' ');
  if (stdin.isTTY) return prompt;
  const piped = await text(stdin);
  return prompt && piped ? `${prompt}\n\n${piped}` : prompt || piped;
}

/** A model not in the store is pulled first, as DMR's `run` does. */
async function ensureModel(context: CliContext, client: RunnerClient, model: string): Promise<void> {
  const found = await clientCall('Failed to inspect model', client.inspectModel(model)).then(
    () => true,
    (error: unknown) => {
      if (isRunnerError(error, 'not_found')) return false;
      throw error;
    },
  );
  if (found) return;
  context.out.write(`Unable to find model '${model}' locally. Pulling from the server.\n`);
  await transferModel(context, 'pull', model);
}

function chatWith(context: CliContext, client: RunnerClient, model: string, style: ChatStyle): Chat {
  const progress = (line: string) => context.err.write(`${line}\n`);
  return (messages, signal) => clientCall('Failed to generate a response', printChat(chatDeltas(client, model, messages, { progress, ...(signal ? { signal } : {}) }), context.out, style));
}

/** The REPL, with the model loading in the background while the first message is typed. */
async function chatInteractively(context: CliContext, client: RunnerClient, model: string, chat: Chat): Promise<void> {
  const preload = new AbortController();
  preloadModel(client, model, preload.signal).catch((error: unknown) => {
    if (!preload.signal.aborted) context.err.write(`background model preload failed: ${(error as Error).message}\n`);
  });
  try {
    await runRepl({
      terminal: new TerminalPrompt({ input: context.stdin, output: context.out, history: !context.env.DOCKER_MODEL_NOHISTORY }),
      out: context.out,
      err: context.err,
      chat,
      setContextSize: (size) => client.configure({ model, 'context-size': size }),
    });
  } finally {
    preload.abort();
  }
}

export function runCommand(context: CliContext): Command {
  return new Command('run')
    .description('Run a model and interact with it using a submitted prompt or chat mode')
    .argument('<MODEL>')
    .argument('[PROMPT...]')
    .option('-d, --detach', 'Load the model in the background without interaction')
    .option('--color <MODE>', 'Use colored output (auto|yes|no)', 'no')
    // Accepted so DMR command lines work; this CLI has no debug output.
    .addOption(new Option('--debug').hideHelp())
    .action(async (model: string, words: string[], options: RunOptions) => {
      const style = chatStyle(parseColorMode(options.color), context);
      const prompt = options.detach ? '' : await readPrompt(words, context.stdin);
      const { client } = await context.runner();
      await ensureModel(context, client, model);
      if (options.detach) return clientCall('Failed to load model', preloadModel(client, model));
      const chat = chatWith(context, client, model, style);
      if (prompt) {
        await chat([{ role: 'user', content: prompt }]);
        return void context.out.write('\n');
      }
      if (!context.stdin.isTTY) throw new RunnerError('invalid_request', 'nothing to send: no PROMPT was given and stdin, not a terminal, was empty');
      await chatInteractively(context, client, model, chat);
    });
}

import { Command } from 'commander';
import { RunnerError } from '../../src/shared/errors.js';
import type { CliContext } from '../cli-context.js';
import { clientCall } from '../client-error.js';

interface ConfigureFlags {
  contextSize?: string;
  keepAlive?: string;
  mode?: string;
  think?: string | boolean;
}

const MODES = ['completion', 'embedding', 'reranking', 'image-generation'];

/** `--think` (or `--think=true`) lifts the reasoning budget, `--think=false` turns it off, as DMR maps it. */
function reasoningBudget(think: string | boolean | undefined): number | undefined {
  if (think === undefined) return undefined;
  if (think === true || think === 'true') return -1;
  if (think === 'false') return 0;
  throw new RunnerError('invalid_request', `invalid argument "${think}" for "--think" flag: must be true or false`);
}

function configureRequest(model: string, runtimeFlags: string[], flags: ConfigureFlags): Record<string, unknown> {
  const contextSize = flags.contextSize === undefined ? undefined : Number(flags.contextSize);
  if (contextSize !== undefined && !Number.isInteger(contextSize)) throw new RunnerError('invalid_request', `invalid argument "${flags.contextSize}" for "--context-size" flag`);
  if (flags.mode !== undefined && !MODES.includes(flags.mode)) throw new RunnerError('invalid_request', `invalid mode "${flags.mode}": must be one of ${MODES.join(', ')}`);
  const budget = reasoningBudget(flags.think);
  return {
    model,
    ...(contextSize === undefined ? {} : { 'context-size': contextSize }),
    ...(runtimeFlags.length ? { 'runtime-flags': runtimeFlags } : {}),
    ...(flags.keepAlive === undefined ? {} : { keep_alive: flags.keepAlive }),
    ...(flags.mode === undefined ? {} : { mode: flags.mode }),
    ...(budget === undefined ? {} : { llamacpp: { 'reasoning-budget': budget } }),
  };
}

/** `configure` (hidden, as in DMR; alias `config`): what Compose runs after each pull. */
export function configureCommand(context: CliContext): Command {
  const show = new Command('show')
    .description('Show effective runtime configuration for models')
    .argument('[MODEL]')
    .action(async (model: string | undefined) => {
      const { client } = await context.runner();
      context.out.write(`${JSON.stringify(await clientCall('Failed to show configurations', client.configuration(model)), null, 2)}\n`);
    });
  return new Command('configure')
    .alias('config')
    .description('Manage model runtime configurations')
    .usage('[--context-size=<n>] [--mode=<mode>] [--think] [--keep-alive=<duration>] MODEL [-- <runtime-flags...>]')
    .argument('<MODEL>')
    .argument('[RUNTIME_FLAGS...]', 'llama.cpp flags, after --')
    .option('--context-size <n>', 'context size (in tokens)')
    .option('--keep-alive <duration>', "duration to keep model loaded (e.g., '5m', '1h', '0' to unload immediately, '-1' to never unload)")
    .option('--mode <mode>', 'backend operation mode (completion, embedding, reranking, image-generation)')
    .option('--think [bool]', 'enable reasoning mode for thinking models')
    .addCommand(show)
    .action(async (model: string, runtimeFlags: string[], flags: ConfigureFlags) => {
      const request = configureRequest(model, runtimeFlags, flags);
      const { client } = await context.runner();
      // A model busy serving is refused with the runner's own words (409), as DMR prints them.
      await clientCall('Failed to configure backend', client.configure(request), { asIs: ['conflict'] });
    });
}

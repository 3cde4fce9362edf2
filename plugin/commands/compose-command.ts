import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { RunnerError } from '../../src/shared/errors.js';
import type { CliContext } from '../cli-context.js';
import { PROVIDER_METADATA } from '../compose/provider-metadata.js';
import { providerMessages, type ProviderMessages } from '../compose/provider-messages.js';
import { provisionModels } from '../compose/provision-models.js';
import { contextSize } from '../../src/compose/context-size.js';
import { composeWithModels, printTransformed, type TransformerDeps } from '../compose/transformer/transformer-actions.js';
import { runInForeground, runQuietly } from '../compose/transformer/compose-process.js';

/** `up`'s flags: `--file` for the transformer, the rest for the provider protocol. */
interface UpFlags {
  file: string[];
  model: string[];
  contextSize?: string;
  runtimeFlags?: string;
  backend?: string;
  speculativeDraftModel?: string;
}

/**
 * `compose --project-name=P up --model=M … SERVICE` (reference §9.3): the models pulled and
 * configured, then `MODEL` and `URL` set for the services that depend on SERVICE. Every outcome,
 * failures too, is a protocol line on stdout: Compose shows nothing else.
 */
async function providerUp(context: CliContext, flags: UpFlags, messages: ProviderMessages): Promise<void> {
  if (flags.model.length === 0) throw new RunnerError('invalid_request', 'options.model is required');
  if (flags.backend && flags.backend !== 'llama.cpp') throw new RunnerError('invalid_request', `backend ${flags.backend} is not available: this runner has llama.cpp only`);
  const size = contextSize(flags.contextSize);
  messages.info('Initializing model runner...');
  const runner = await context.runner({ quiet: true });
  if (size !== undefined) messages.info(`Setting context size to ${size}`);
  if (flags.runtimeFlags) messages.info(`Setting raw runtime flags to ${flags.runtimeFlags}`);
  if (flags.speculativeDraftModel) messages.info(`Speculative decoding is not available in this runner; ignoring draft model ${flags.speculativeDraftModel}`);
  await provisionModels(context, flags.model, { ...(size === undefined ? {} : { contextSize: size }), ...(flags.runtimeFlags ? { rawRuntimeFlags: flags.runtimeFlags } : {}) }, messages.info);
  messages.setenv('MODEL', flags.model.join(','));
  messages.setenv('URL', `${runner.containerUrl}/engines/v1/`);
}

/** Runs a provider step; a failure becomes Compose's `error` line, and exit 1. */
async function asProvider(context: CliContext, step: (messages: ProviderMessages) => Promise<void>): Promise<void> {
  const messages = providerMessages(context.out);
  try {
    await step(messages);
  } catch (error) {
    messages.error((error as Error).message.split('\n')[0] ?? String(error));
    process.exitCode = 1;
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const fileOption = () => new Option('-f, --file <file>', 'Compose file (repeatable; - reads stdin), else the default compose.yaml').argParser(collect).default([]);

function transformerDeps(): TransformerDeps {
  return { cwd: process.cwd(), exists: existsSync, readFile: (path) => readFile(path, 'utf8'), run: runInForeground, probe: runQuietly };
}

/**
 * Compose runs the provider as `compose --project-name=P up --model=M … SERVICE`; a person runs
 * `compose up [-f FILE]… [-- ARGS…]` to have the transformer bring the project up.
 */
function isProviderCall(compose: Command, model: readonly string[]): boolean {
  return model.length > 0 || compose.opts<{ projectName?: string }>().projectName !== undefined;
}

/**
 * `compose` (hidden, as in DMR): the provider side of Compose's `provider: {type: model}` services,
 * and the transformer that runs a project with models on any Compose, 1.29 included.
 */
export function composeCommand(context: CliContext): Command {
  const compose = new Command('compose').description('Docker Compose model provider').option('--project-name <name>', 'compose project name');
  compose.addCommand(
    new Command('metadata').description('Metadata for Docker Compose').action(() => void context.out.write(JSON.stringify(PROVIDER_METADATA))),
  );
  compose.addCommand(
    new Command('up')
      .description('Run a Compose project with models on any Compose: up [-f FILE]… [-- COMPOSE ARGS…]')
      .argument('[args...]', 'provider: the service; otherwise what follows -- goes to Compose')
      .addOption(fileOption())
      .addOption(new Option('--model <model>', 'model to use').argParser(collect).default([]))
      .option('--context-size <n>', 'context size for the model')
      .option('--runtime-flags <flags>', 'raw runtime flags to pass to the inference engine')
      .option('--backend <backend>', 'inference backend to use')
      .option('--speculative-draft-model <model>', 'draft model for speculative decoding')
      .option('--speculative-num-tokens <n>', 'number of tokens to predict speculatively')
      .option('--speculative-min-acceptance-rate <rate>', 'minimum acceptance rate for speculative decoding')
      .action((args: string[], flags: UpFlags) =>
        isProviderCall(compose, flags.model)
          ? asProvider(context, (messages) => providerUp(context, flags, messages))
          : composeWithModels(context, { files: flags.file, args, defaultCommand: 'up' }, transformerDeps()),
      ),
  );
  compose.addCommand(
    new Command('down')
      .description('Take a project run with `compose up` down: down [-f FILE]… [-- COMPOSE ARGS…]')
      .argument('[args...]', 'provider: the service; otherwise what follows -- goes to Compose')
      .addOption(fileOption())
      // As a provider there is nothing to undo: models stay pulled, as in DMR.
      .action((args: string[], flags: { file: string[] }) =>
        isProviderCall(compose, []) ? undefined : composeWithModels(context, { files: flags.file, args, defaultCommand: 'down' }, transformerDeps()),
      ),
  );
  compose.addCommand(
    new Command('config')
      .description('Print the Compose files as the transformer hands them to Compose')
      .addOption(fileOption())
      .action((flags: { file: string[] }) => printTransformed(context, flags.file, transformerDeps())),
  );
  return compose;
}

import { Command, Option } from 'commander';
import { RunnerError } from '../../src/shared/errors.js';
import type { CliContext } from '../cli-context.js';
import { PROVIDER_METADATA } from '../compose/provider-metadata.js';
import { providerMessages, type ProviderMessages } from '../compose/provider-messages.js';
import { provisionModels } from '../compose/provision-models.js';

interface ProviderUpFlags {
  model: string[];
  contextSize?: string;
  runtimeFlags?: string;
  backend?: string;
  speculativeDraftModel?: string;
}

function contextSize(value: string | undefined): number | undefined {
  if (value === undefined || Number(value) < 0) return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size > 2 ** 31 - 1) throw new RunnerError('invalid_request', `context-size ${value} is out of range (must be an integer between 0 and ${2 ** 31 - 1})`);
  return size;
}

/**
 * `compose --project-name=P up --model=M … SERVICE` (reference §9.3): the models pulled and
 * configured, then `MODEL` and `URL` set for the services that depend on SERVICE. Every outcome,
 * failures too, is a protocol line on stdout: Compose shows nothing else.
 */
async function providerUp(context: CliContext, flags: ProviderUpFlags, messages: ProviderMessages): Promise<void> {
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

/** `compose` (hidden, as in DMR): the provider side of Compose's `provider: {type: model}` services. */
export function composeCommand(context: CliContext): Command {
  const compose = new Command('compose').description('Docker Compose model provider').option('--project-name <name>', 'compose project name');
  compose.addCommand(
    new Command('metadata').description('Metadata for Docker Compose').action(() => void context.out.write(JSON.stringify(PROVIDER_METADATA))),
  );
  compose.addCommand(
    new Command('up')
      .argument('[SERVICE]')
      .addOption(new Option('--model <model>', 'model to use').argParser((value: string, previous: string[] = []) => [...previous, value]).default([]))
      .option('--context-size <n>', 'context size for the model')
      .option('--runtime-flags <flags>', 'raw runtime flags to pass to the inference engine')
      .option('--backend <backend>', 'inference backend to use')
      .option('--speculative-draft-model <model>', 'draft model for speculative decoding')
      .option('--speculative-num-tokens <n>', 'number of tokens to predict speculatively')
      .option('--speculative-min-acceptance-rate <rate>', 'minimum acceptance rate for speculative decoding')
      .action((_service: string | undefined, flags: ProviderUpFlags) => asProvider(context, (messages) => providerUp(context, flags, messages))),
  );
  // Nothing to undo: models stay pulled, as in DMR.
  compose.addCommand(new Command('down').argument('[SERVICE]').action(() => undefined));
  return compose;
}

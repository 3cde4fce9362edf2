import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import type { Model } from '../../src/api/dmr-types.js';
import { RunnerError } from '../../src/shared/errors.js';
import type { CliContext } from '../cli-context.js';
import { clientCall } from '../client-error.js';
import { humanDuration } from '../output/go-units.js';
import { standardJson } from '../output/json.js';
import { displayName, modelFilter } from '../output/model-names.js';
import { renderTable } from '../output/table.js';

function shortId(id: string): string {
  return id.slice(7, 19);
}

/** The rows of `ls`: one per tag (`<none>` for an untagged model), sorted by name, then variant. */
function modelRows(models: Model[], now: number): string[][] {
  const rows = models.flatMap((model) => (model.tags?.length ? model.tags : ['<none>']).map((tag) => ({ name: tag === '<none>' ? tag : displayName(tag), model })));
  const split = (name: string) => {
    const colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? [name.slice(0, colon).toLowerCase(), name.slice(colon + 1).toLowerCase()] : [name.toLowerCase(), ''];
  };
  rows.sort((a, b) => {
    const [baseA = '', variantA = ''] = split(a.name);
    const [baseB = '', variantB = ''] = split(b.name);
    if (baseA !== baseB) return baseA < baseB ? -1 : 1;
    if (variantA === variantB) return 0;
    if (variantA === '') return -1;
    if (variantB === '') return 1;
    return variantA < variantB ? -1 : 1;
  });
  return rows.map(({ name, model }) => [
    name,
    model.config.parameters ?? '',
    model.config.quantization ?? '',
    model.config.architecture ?? '',
    shortId(model.id),
    `${humanDuration(now - model.created * 1000)} ago`,
    model.config.context_size !== undefined ? String(model.config.context_size) : (model.config.gguf?.['llama.context_length'] ?? ''),
    model.config.size ?? '',
  ]);
}

function listCommand(context: CliContext): Command {
  return new Command('list')
    .alias('ls')
    .description('List the models pulled to your local environment')
    .argument('[MODEL]', 'only this model: a repository (ai/ when none is given) or an exact tag')
    .option('--json', 'List models in a JSON format')
    .option('--openai', 'List models in an OpenAI format')
    .option('-q, --quiet', 'Only show model IDs')
    .action(async (filter: string | undefined, options: { json?: boolean; openai?: boolean; quiet?: boolean }) => {
      if (options.openai && options.quiet) throw new RunnerError('invalid_request', '--quiet flag cannot be used with --openai flag or OpenAI backend');
      const { client } = await context.runner({ quiet: options.json || options.openai || options.quiet });
      const matches = filter === undefined ? () => true : modelFilter(filter);
      if (options.openai) {
        const list = await clientCall('Failed to list models', client.listOpenAIModels());
        return void context.out.write(standardJson({ ...list, data: list.data.filter((model) => matches(model.id)) }));
      }
      const all = await clientCall('Failed to list models', client.listModels());
      const models = filter === undefined ? all : all.flatMap((model) => {
        const tags = (model.tags ?? []).filter(matches);
        return tags.length ? [{ ...model, tags }] : [];
      });
      if (options.json) return void context.out.write(standardJson(models));
      if (options.quiet) return void context.out.write(models.map((model) => `${shortId(model.id)}\n`).join(''));
      context.out.write(renderTable(['MODEL NAME', 'PARAMETERS', 'QUANTIZATION', 'ARCHITECTURE', 'MODEL ID', 'CREATED', 'CONTEXT', 'SIZE'], modelRows(models, Date.now())));
    });
}

function removeCommand(context: CliContext): Command {
  return new Command('rm')
    .description('Remove local models downloaded from Docker Hub')
    .argument('<MODEL...>')
    .option('-f, --force', 'Forcefully remove the model')
    .action(async (models: string[], options: { force?: boolean }) => {
      const { client } = await context.runner();
      for (const model of models) {
        const actions = await clientCall('Failed to remove model', client.deleteModel(model, options.force ?? false).catch((error: unknown) => {
          throw error instanceof RunnerError && error.code === 'not_found' ? new RunnerError('not_found', `no such model: ${model}`) : error;
        }));
        for (const action of actions) context.out.write('Untagged' in action ? `Untagged: ${action.Untagged}\n` : `Deleted: ${action.Deleted}\n`);
      }
    });
}

function inspectCommand(context: CliContext): Command {
  return new Command('inspect')
    .description('Display detailed information on one model')
    .argument('<MODEL>')
    .option('--openai', 'List model in an OpenAI format')
    .option('-r, --remote', 'Show info for remote models')
    .action(async (model: string, options: { openai?: boolean; remote?: boolean }) => {
      if (options.openai && options.remote) throw new RunnerError('invalid_request', '--remote flag cannot be used with --openai flag');
      const { client } = await context.runner({ quiet: true });
      const found: Promise<unknown> = options.openai ? client.inspectOpenAIModel(model) : client.inspectModel(model, options.remote ?? false);
      context.out.write(standardJson(await clientCall(`Failed to get model ${model}`, found)));
    });
}

/** `tag SOURCE TARGET`: TARGET's tag defaults to `latest`, as a reference's does. */
function tagCommand(context: CliContext): Command {
  return new Command('tag')
    .description('Tag a model')
    .argument('<SOURCE>')
    .argument('<TARGET>')
    .action(async (source: string, target: string) => {
      const colon = target.lastIndexOf(':');
      const [repo, tag] = colon > target.lastIndexOf('/') ? [target.slice(0, colon), target.slice(colon + 1)] : [target, 'latest'];
      const { client } = await context.runner();
      await clientCall('failed to tag model', client.tagModel(source, repo, tag));
      context.out.write(`Model ${JSON.stringify(source)} tagged successfully with ${JSON.stringify(target)}\n`);
    });
}

function unloadCommand(context: CliContext): Command {
  const usage = "(MODEL [MODEL ...] [--backend BACKEND] | --all)";
  return new Command('unload')
    .alias('stop')
    .description('Unload running models')
    .usage(usage)
    .argument('[MODEL...]')
    .option('--all', 'Unload all running models')
    .option('--backend <BACKEND>', 'Optional backend to target')
    .action(async (models: string[], options: { all?: boolean; backend?: string }) => {
      if (options.all && models.length > 0) throw new RunnerError('invalid_request', `'docker model unload' does not take MODEL when --all is specified.\n\nUsage:  docker model unload ${usage}\n\nSee 'docker model unload --help' for more information.`);
      if (!options.all && models.length === 0) throw new RunnerError('invalid_request', `'docker model unload' requires MODEL unless --all is specified.\n\nUsage:  docker model unload ${usage}\n\nSee 'docker model unload --help' for more information.`);
      const { client } = await context.runner();
      const request = options.all ? { all: true } : { models, ...(options.backend ? { backend: options.backend } : {}) };
      const { unloaded_runners: unloaded } = await clientCall('Failed to unload models', client.unload(request));
      context.out.write(unloaded > 0 ? `Unloaded ${unloaded} model(s).\n` : options.all ? 'No models are running.\n' : 'No such model(s) running.\n');
    });
}

/** Asks first unless --force, as DMR does; only `y` or `Y` goes on. */
function purgeCommand(context: CliContext): Command {
  return new Command('purge')
    .description('Remove all models')
    .option('-f, --force', 'Forcefully remove all models')
    .action(async (options: { force?: boolean }) => {
      if (!options.force) {
        context.out.write('WARNING! This will remove the entire models directory.\n');
        const prompt = createInterface({ input: context.stdin, output: context.out, terminal: false });
        const answer = await new Promise<string>((resolve) => {
          context.out.write('Are you sure you want to continue? [y/N] ');
          prompt.once('line', resolve);
          prompt.once('close', () => resolve(''));
        });
        prompt.close();
        if (answer.trim() !== 'y' && answer.trim() !== 'Y') return void context.out.write('Operation cancelled.\n');
      }
      const { client } = await context.runner();
      await clientCall('Failed to unload models', client.unload({ all: true }));
      await clientCall('Failed to purge', client.purge());
    });
}

export function modelCommands(context: CliContext): Command[] {
  return [listCommand(context), removeCommand(context), inspectCommand(context), tagCommand(context), unloadCommand(context), purgeCommand(context)];
}

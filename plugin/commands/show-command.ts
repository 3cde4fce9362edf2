import { Command } from 'commander';
import type { Model, ModelConfig } from '../../src/api/dmr-types.js';
import type { CliContext } from '../cli-context.js';
import { clientCall } from '../client-error.js';
import { rfc3339 } from '../output/go-time.js';

/** A remote model's config may describe safetensors or diffusers weights too; DMR shows their metadata alike. */
type ShownConfig = ModelConfig & { safetensors?: Record<string, string>; diffusers?: Record<string, string> };

/** A metadata section; keys sorted, where Go's map order would differ on every run. */
function metadataSection(title: string, data: Record<string, string> | undefined): string {
  const keys = Object.keys(data ?? {}).sort();
  return keys.length ? `\n${title}:\n${keys.map((key) => `  ${key}: ${data![key]}\n`).join('')}` : '';
}

/** DMR's formatModelInfo: what `show` prints, field by field, empty fields left out. */
export function formatModelInfo(model: Model): string {
  let text = `Model:       ${model.id}\n`;
  if (model.tags?.length) text += `Tags:        ${model.tags.join(', ')}\n`;
  if (model.created > 0) text += `Created:     ${rfc3339(model.created)}\n`;
  const config = model.config as ShownConfig | undefined;
  if (!config) return text;
  text += '\n';
  const fields: Array<[string, string | undefined]> = [
    ['Format:', config.format],
    ['Architecture:', config.architecture],
    ['Parameters:', config.parameters],
    ['Size:', config.size],
    ['Quantization:', config.quantization],
    ['Context Size:', config.context_size === undefined ? undefined : String(config.context_size)],
  ];
  for (const [label, value] of fields) if (value) text += `${label.padEnd(14)}${value}\n`;
  return text + metadataSection('GGUF Metadata', config.gguf) + metadataSection('Safetensors Metadata', config.safetensors) + metadataSection('Diffusers Metadata', config.diffusers);
}

export function showCommand(context: CliContext): Command {
  return new Command('show')
    .description('Show information for a model')
    .argument('<MODEL>')
    .option('-r, --remote', 'Show info for remote models')
    .action(async (model: string, options: { remote?: boolean }) => {
      const { client } = await context.runner();
      const found = await clientCall(`Failed to get model ${model}`, client.inspectModel(model, options.remote ?? false));
      context.out.write(formatModelInfo(found));
    });
}

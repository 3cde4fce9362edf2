import { parseArgs } from 'node:util';
import type { MakeModelOptions } from './make-model.js';
import { CHAT_TEMPLATE_NAMES, isChatTemplateName } from '../shared/chat-templates.js';
import { isPresetName, PRESET_NAMES } from './model-presets.js';

export const MAKE_MODEL_USAGE =
  `usage: make-model --preset <${PRESET_NAMES.join('|')}> --type <f16|q8_0> --out <path> [--seed <uint32>] [--chat-template <${CHAT_TEMPLATE_NAMES.join('|')}>]`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Turns make-model's command line into options, or throws a UsageError saying what is wrong. */
export function parseMakeModelArgs(argv: string[]): MakeModelOptions {
  const { preset, type, out, seed, 'chat-template': chatTemplate } = parseKnownOptions(argv);
  if (preset === undefined || !isPresetName(preset)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}`);
  if (type !== 'f16' && type !== 'q8_0') throw new UsageError('--type must be f16 or q8_0');
  if (out === undefined || out === '') throw new UsageError('--out is required');
  const options: MakeModelOptions = { preset, type, out };
  if (chatTemplate !== undefined) {
    if (!isChatTemplateName(chatTemplate)) throw new UsageError(`--chat-template must be one of ${CHAT_TEMPLATE_NAMES.join(', ')}`);
    options.chatTemplate = chatTemplate;
  }
  if (seed === undefined) return options;
  const seedNumber = Number(seed);
  if (!/^\d+$/.test(seed) || seedNumber > 0xffffffff) throw new UsageError('--seed must be an integer from 0 to 4294967295');
  return { ...options, seed: seedNumber };
}

function parseKnownOptions(argv: string[]) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { preset: { type: 'string' }, type: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, 'chat-template': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    // parseArgs reports unknown options, missing values and stray arguments as TypeErrors.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

import pc from 'picocolors';
import { RunnerError } from '../../src/shared/errors.js';

export type ColorMode = 'auto' | 'yes' | 'no';

/** How the parts of an answer look; identity where the terminal should get plain text. */
export interface ChatStyle {
  reasoning(text: string): string;
  usage(text: string): string;
}

export interface StyleTarget {
  out: { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function parseColorMode(value: string): ColorMode {
  if (value === 'auto' || value === 'yes' || value === 'no') return value;
  throw new RunnerError('invalid_request', `--color must be one of: auto, yes, no (got ${JSON.stringify(value)})`);
}

/**
 * Reasoning is dimmed on any terminal so it reads apart from the answer; `--color` (off by default,
 * as DMR's) adds the rest. Neither reaches a pipe or a NO_COLOR user.
 */
export function chatStyle(mode: ColorMode, { out, env }: StyleTarget): ChatStyle {
  const terminal = out.isTTY === true && !env.NO_COLOR;
  const colors = pc.createColors(terminal && mode !== 'no');
  const dim = pc.createColors(terminal).dim;
  return {
    reasoning: (text) => dim(colors.italic(text)),
    usage: (text) => colors.gray(text),
  };
}

import { USAGE, USAGE_SET, USAGE_SHORTCUTS } from './repl-help.js';

export interface ReplSettings {
  /** Sent first in every request when not empty. */
  system: string;
}

export interface ReplCommandDeps {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** `POST /engines/_configure` with the model's new context size. */
  setContextSize(size: number): Promise<void>;
}

function help(topic: string | undefined): string {
  if (topic === 'shortcut' || topic === 'shortcuts') return USAGE_SHORTCUTS;
  if (topic === 'set') return USAGE_SET;
  return USAGE;
}

async function setContextSize(value: string, deps: ReplCommandDeps): Promise<void> {
  const size = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!(size > 0 && size <= 2 ** 31 - 1)) return void deps.err.write(`Invalid value for num_ctx: ${value} (must be a positive integer)\n`);
  try {
    await deps.setContextSize(size);
    deps.err.write(`Set num_ctx to ${size}\n`);
  } catch (error) {
    deps.err.write(`Failed to set num_ctx: ${(error as Error).message}\n`);
  }
}

async function set(args: string[], settings: ReplSettings, deps: ReplCommandDeps): Promise<void> {
  const [option, ...rest] = args;
  if (option === undefined) return void deps.err.write(USAGE_SET);
  if (option === 'system') {
    settings.system = rest.join(' ');
    return void deps.err.write(settings.system ? 'Set system message.\n' : 'Cleared system message.\n');
  }
  if (option === 'num_ctx') {
    if (rest[0] === undefined) return void deps.err.write('Usage: /set num_ctx <value>\n');
    return setContextSize(rest[0], deps);
  }
  if (option === 'parameter') {
    const [name, value] = rest;
    if (name === undefined || value === undefined) return void deps.err.write('Usage: /set parameter <name> <value>\nAvailable parameters: num_ctx\n');
    if (name === 'num_ctx') return setContextSize(value, deps);
    return void deps.err.write(`Unknown parameter: ${name}\nAvailable parameters: num_ctx\n`);
  }
  deps.err.write(`Unknown /set option: ${option}\n${USAGE_SET}`);
}

/** A `/` line of the REPL, as DMR reads it; 'exit' ends the session. */
export async function replCommand(line: string, settings: ReplSettings, deps: ReplCommandDeps): Promise<'exit' | 'continue'> {
  const [name = '', ...args] = line.trim().split(/\s+/);
  if (name === '/bye' || name === '/exit') return 'exit';
  if (name === '/help' || name === '/?') deps.err.write(help(args[0]));
  else if (name === '/set') await set(args, settings, deps);
  else deps.out.write(`Unknown command '${name}'. Type /? for help\n`);
  return 'continue';
}

import { RunnerError } from '../../../src/shared/errors.js';

/** Global options of Compose 1.29 and v2 that take a value; they must come before the command for 1.29. */
const VALUE_OPTIONS = new Set([
  '-p',
  '--project-name',
  '--project-directory',
  '--env-file',
  '--profile',
  '--ansi',
  '--progress',
  '--parallel',
  '--log-level',
  '-c',
  '--context',
  '-H',
  '--host',
  '--tlscacert',
  '--tlscert',
  '--tlskey',
]);
const FLAG_OPTIONS = new Set(['--verbose', '--no-ansi', '--compatibility', '--dry-run', '--all-resources', '--tls', '--tlsverify', '--skip-hostname-check']);
const FILE_OPTIONS = new Set(['-f', '--file']);

/** Compose's commands, 1.29's and v2's: the first of these in the arguments is the one the user chose. */
const COMMANDS = new Set([
  'attach', 'build', 'commit', 'config', 'convert', 'cp', 'create', 'down', 'events', 'exec', 'export', 'images', 'kill', 'logs', 'ls', 'pause', 'port',
  'ps', 'publish', 'pull', 'push', 'restart', 'rm', 'run', 'scale', 'start', 'stats', 'stop', 'top', 'unpause', 'up', 'version', 'volumes', 'wait', 'watch',
]);

export interface ComposeArguments {
  /** Options for Compose itself, in the user's order. */
  globals: string[];
  /** The command and its arguments: the user's, or `defaultCommand` followed by them. */
  command: string[];
}

function optionName(arg: string): string {
  return arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
}

/**
 * Splits what follows `--` into Compose's global options and its command, so that both Composes
 * read them: `-p demo up -d` as given, `-p demo -d` as `-p demo up -d`, `run app` as given.
 */
export function composeArguments(args: readonly string[], defaultCommand: string): ComposeArguments {
  const globals: string[] = [];
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    const name = optionName(arg);
    if (FILE_OPTIONS.has(name) || /^-f./.test(arg)) throw new RunnerError('invalid_request', `give Compose files with -f before "--": "${arg}" would reach Compose untransformed`);
    if (VALUE_OPTIONS.has(name)) {
      const takesNext = name === arg;
      globals.push(...args.slice(index, index + (takesNext ? 2 : 1)));
      if (takesNext) index++;
    } else if (FLAG_OPTIONS.has(name)) globals.push(arg);
    else break;
  }
  const rest = args.slice(index);
  return { globals, command: rest[0] !== undefined && COMMANDS.has(rest[0]) ? rest : [defaultCommand, ...rest] };
}

/** The value of a global option (`-p x`, `--project-name=x`), the last one given. */
export function globalOption(globals: readonly string[], names: readonly string[]): string | undefined {
  let value: string | undefined;
  globals.forEach((arg, index) => {
    const name = optionName(arg);
    if (!names.includes(name)) return;
    value = name === arg ? globals[index + 1] : arg.slice(name.length + 1);
  });
  return value;
}

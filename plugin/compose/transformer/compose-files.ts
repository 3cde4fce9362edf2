import { dirname, join, resolve } from 'node:path';
import { RunnerError } from '../../../src/shared/errors.js';

/** Compose v2's names, in its order of preference (compose-go `cli.DefaultFileNames`). */
export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_FILES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** Standard input, as `-f -` means to Compose. */
export const STDIN = '-';
/** What messages call a file read from standard input. */
export const STDIN_NAME = 'stdin';

export interface FileLookup {
  cwd: string;
  /** COMPOSE_FILE and COMPOSE_PATH_SEPARATOR, which Compose reads when no `-f` is given. */
  env: Readonly<Record<string, string | undefined>>;
  exists(path: string): boolean;
}

/** The first default file in `dir` or the nearest parent that has one, with its override file. */
function defaultFiles(dir: string, exists: (path: string) => boolean): string[] {
  for (let current = dir; ; current = dirname(current)) {
    const main = DEFAULT_FILES.map((name) => join(current, name)).find(exists);
    if (main) return [main, ...OVERRIDE_FILES.map((name) => join(current, name)).filter(exists).slice(0, 1)];
    if (dirname(current) === current) return [];
  }
}

/**
 * The files Compose would read: the `-f` ones, else COMPOSE_FILE's, else the default file found
 * from the working directory up, with its override. Paths come back absolute; `-` stays `-`.
 */
export function composeFilePaths(requested: readonly string[], lookup: FileLookup): string[] {
  const fromEnv = lookup.env.COMPOSE_FILE?.split(lookup.env.COMPOSE_PATH_SEPARATOR || ':').filter(Boolean) ?? [];
  const files = requested.length ? requested : fromEnv.length ? fromEnv : defaultFiles(lookup.cwd, lookup.exists);
  if (!files.length) throw new RunnerError('invalid_request', `no configuration file provided: none of ${DEFAULT_FILES.join(', ')} in ${lookup.cwd} or its parents; give one with -f`);
  return files.map((file) => (file === STDIN ? file : resolve(lookup.cwd, file)));
}

/** Where Compose resolves relative paths and finds `.env`: the first file's folder (the working directory for stdin). */
export function projectDirectory(files: readonly string[], cwd: string): string {
  const first = files[0]!;
  return first === STDIN ? cwd : dirname(first);
}

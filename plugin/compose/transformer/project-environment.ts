import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RunnerError } from '../../../src/shared/errors.js';
import { parseDotEnv } from '../../../src/compose/dotenv.js';
import type { Lookup } from '../../../src/compose/interpolate.js';

export interface EnvironmentSources {
  projectDir: string;
  cwd: string;
  /** `--env-file`, when the user gave one; else the project's `.env`, if there is one. */
  envFile: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

/** The variables Compose interpolates with: the shell's, then the env file's for names the shell lacks. */
export async function projectLookup(sources: EnvironmentSources): Promise<Lookup> {
  const path = sources.envFile === undefined ? join(sources.projectDir, '.env') : resolve(sources.cwd, sources.envFile);
  const shell: Lookup = (name) => sources.env[name];
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && sources.envFile === undefined) return '';
    throw new RunnerError('invalid_request', `cannot read the env file ${path}: ${error.code ?? error.message}`);
  });
  const fromFile = parseDotEnv(text, shell, path);
  return (name) => sources.env[name] ?? fromFile[name];
}

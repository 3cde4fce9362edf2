import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunnerError } from '../src/shared/errors.js';
import type { DaemonFlags } from './plugin-argv.js';

const DEFAULT_HOST = 'unix:///var/run/docker.sock';

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

/** A named context's daemon, from the docker CLI's context store (`contexts/meta/<sha256(name)>`). */
async function contextHost(name: string, configDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (name === 'default') return env.DOCKER_HOST || DEFAULT_HOST;
  const id = createHash('sha256').update(name).digest('hex');
  const meta = (await readJson(join(configDir, 'contexts', 'meta', id, 'meta.json'))) as { Endpoints?: { docker?: { Host?: string } } } | undefined;
  if (!meta) throw new RunnerError('not_found', `context "${name}" does not exist`);
  return meta.Endpoints?.docker?.Host || DEFAULT_HOST;
}

/**
 * The daemon the docker CLI would talk to, in its order: `-H`, `--context`, `DOCKER_HOST`,
 * `DOCKER_CONTEXT`, the config's `currentContext`, then the default socket.
 */
export async function resolveDockerHost(flags: DaemonFlags, configDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (flags.host) return flags.host;
  const dir = flags.configDir ?? configDir;
  if (flags.context) return contextHost(flags.context, dir, env);
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  if (env.DOCKER_CONTEXT) return contextHost(env.DOCKER_CONTEXT, dir, env);
  const current = (await readJson(join(dir, 'config.json')))?.currentContext;
  return typeof current === 'string' && current !== '' ? contextHost(current, dir, env) : DEFAULT_HOST;
}

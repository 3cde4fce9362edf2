import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmRun, runCommand, type CommandResult } from './run-command.js';

/** A Docker config dir of its own with the plugin installed by `npm run install-plugin`, as a user does it. */
export async function pluginConfigDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-model-config-'));
  await npmRun('install-plugin', [], { DOCKER_CONFIG: dir });
  return dir;
}

/** `docker …` through the real docker client, which finds the plugin in `configDir`; never throws. */
export function dockerCli(configDir: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CommandResult> {
  return runCommand('docker', args, { DOCKER_CONFIG: configDir, ...env }, input);
}

/** `docker model …`. */
export function dockerModel(configDir: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CommandResult> {
  return dockerCli(configDir, ['model', ...args], env, input);
}

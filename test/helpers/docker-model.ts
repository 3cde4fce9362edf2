import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmRun } from './run-command.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** A Docker config dir of its own with the plugin installed by `npm run install-plugin`, as a user does it. */
export async function pluginConfigDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-model-config-'));
  await npmRun('install-plugin', [], { DOCKER_CONFIG: dir });
  return dir;
}

/**
 * `docker …` through the real docker client, which finds the plugin in `configDir`. Resolves with
 * the exit code instead of throwing, so tests can check failures too.
 */
export function dockerCli(configDir: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile('docker', args, { env: { ...process.env, DOCKER_CONFIG: configDir, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 });
    });
    child.stdin?.end(input ?? '');
  });
}

/** `docker model …`. */
export function dockerModel(configDir: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CommandResult> {
  return dockerCli(configDir, ['model', ...args], env, input);
}

#!/usr/bin/env node
import { loadClientConfig } from '../src/config.js';
import type { InstallOptions } from '../src/docker/runner-installer.js';
import type { CliContext } from './cli-context.js';
import { resolveDockerHost } from './docker-daemon.js';
import { lazy } from './lazy.js';
import { parsePluginArgv } from './plugin-argv.js';
import { pluginMetadata, pluginVersion } from './plugin-metadata.js';
import { connectRunner, type RunnerConnection } from './runner-connection.js';
import { runnerDockerConfig } from './runner-docker-config.js';

/**
 * `docker model …`: the docker CLI plugin, also run bare by Compose and by users. The docker CLI
 * starts it twice per command (metadata, then the command) and Compose several times per `up`, so
 * the command tree and dockerode are loaded only when they are used.
 */
async function main(): Promise<void> {
  const invocation = parsePluginArgv(process.argv.slice(2));
  if (invocation.metadata) return void process.stdout.write(pluginMetadata());
  const { modelProgram } = await import('./model-program.js');
  const env = process.env;
  const config = loadClientConfig(env);
  const version = pluginVersion();
  const installer = lazy(async () => {
    const [{ RunnerInstaller }, { connectDocker }] = await Promise.all([import('../src/docker/runner-installer.js'), import('../src/docker/docker-connection.js')]);
    return new RunnerInstaller(await connectDocker(await resolveDockerHost(invocation.daemon, config.registry.dockerConfigDir, env)));
  });
  const installOptions = (overrides: Partial<InstallOptions> = {}): InstallOptions => ({
    image: config.image,
    dockerConfig: () => runnerDockerConfig(config.registry.dockerConfigDir),
    env: config.runnerEnv,
    ...(config.aliasSocket === undefined ? {} : { aliasSocket: config.aliasSocket }),
    ...overrides,
  });
  let runner: Promise<RunnerConnection> | undefined;
  const context: CliContext = {
    out: process.stdout,
    err: process.stderr,
    stdin: process.stdin,
    env,
    config,
    version,
    installer,
    installOptions,
    runner: ({ quiet = false, install = true } = {}) =>
      (runner ??= connectRunner({
        manualHost: config.host,
        userAgent: `docker-model-cli/${version}${env.USER_AGENT ? ` ${env.USER_AGENT}` : ''}`,
        installer,
        autoInstall: config.autoInstall && install ? installOptions() : undefined,
        progress: (line) => quiet || process.stderr.write(`${line}\n`),
      })),
  };
  await modelProgram(context).parseAsync(invocation.args, { from: 'user' });
}

main().catch((error: unknown) => {
  const message = `${error instanceof Error ? error.message : String(error)}\n`;
  process.stderr.write(message);
  // Compose shows a plugin's stdout (pull's) and throws its stderr away: say it where it is seen.
  // On a terminal it is a person, who has seen it once already.
  if (process.env.COMPOSE_PROJECT_NAME && !process.stdout.isTTY) process.stdout.write(message);
  process.exitCode = 1;
});

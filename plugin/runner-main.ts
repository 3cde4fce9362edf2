#!/usr/bin/env node
import { loadClientConfig } from '../src/config.js';
import { connectDocker } from '../src/docker/docker-connection.js';
import { RunnerInstaller } from '../src/docker/runner-installer.js';
import { runnerCommand } from './commands/runner-lifecycle.js';

async function main(): Promise<void> {
  const config = loadClientConfig();
  const installer = new RunnerInstaller(await connectDocker(config.dockerHost));
  await runnerCommand(process.argv.slice(2), { installer, image: config.image, dockerConfigDir: config.registry.dockerConfigDir, aliasSocket: config.aliasSocket, env: config.runnerEnv, out: process.stdout });
}

main().catch((error: unknown) => {
  process.stderr.write(`runner: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

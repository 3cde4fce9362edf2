import type { Command } from 'commander';
import { dockerConfigCredentials } from '../../src/distribution/docker-credentials.js';
import { RegistryClient } from '../../src/distribution/registry-client.js';
import type { CliContext } from '../cli-context.js';
import { packageCommand } from './package.js';

/** Commands that work from this machine's files: packaging a model. */
export function pluginCommands(context: CliContext): Command[] {
  const { registry } = context.config;
  return [
    packageCommand({
      runner: async () => (await context.runner()).client,
      registry: new RegistryClient({ config: registry, credentials: dockerConfigCredentials({ configDir: registry.dockerConfigDir }) }),
      out: context.out,
      err: context.err,
    }),
  ];
}

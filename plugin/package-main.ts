#!/usr/bin/env node
import { RunnerClient } from '../src/api/runner-client.js';
import { loadClientConfig } from '../src/config.js';
import { dockerConfigCredentials } from '../src/distribution/docker-credentials.js';
import { RegistryClient } from '../src/distribution/registry-client.js';
import { packageCommand } from './commands/package.js';

const config = loadClientConfig();
const registry = new RegistryClient({ config: config.registry, credentials: dockerConfigCredentials({ configDir: config.registry.dockerConfigDir }) });
packageCommand(process.argv.slice(2), { runner: new RunnerClient(config.host), registry, out: process.stdout }).catch((error: unknown) => {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

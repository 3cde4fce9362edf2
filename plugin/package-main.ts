#!/usr/bin/env node
import { RunnerClient } from '../src/api/runner-client.js';
import { loadClientConfig } from '../src/config.js';
import { packageCommand } from './commands/package.js';

packageCommand(process.argv.slice(2), new RunnerClient(loadClientConfig().host), process.stdout).catch((error: unknown) => {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

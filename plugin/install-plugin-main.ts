#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadClientConfig } from '../src/config.js';
import { installPlugin } from './install-plugin.js';

/** `npm run install-plugin [-- --system]`, and `model-runner install-plugin [--system]`, which hands over here. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'install-plugin') argv.shift();
  const { values } = parseArgs({ args: argv, options: { system: { type: 'boolean' } }, strict: true });
  const path = await installPlugin({ system: values.system ?? false, dockerConfigDir: loadClientConfig().registry.dockerConfigDir });
  process.stdout.write(`Installed the docker model plugin at ${path}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`install-plugin: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

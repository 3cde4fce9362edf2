import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageInfo } from '../src/shared/package-root.js';

/** Where the docker CLI looks for plugins: the user's config dir, or the system's. */
export function pluginDir(options: { system: boolean; dockerConfigDir: string }): string {
  return options.system ? '/usr/local/lib/docker/cli-plugins' : join(options.dockerConfigDir, 'cli-plugins');
}

/**
 * Writes `docker-model` there: a launcher naming this Node and this checkout's compiled entry by
 * absolute path, because the docker CLI and Compose run it with whatever PATH they have.
 * Written beside and renamed, so a CLI running the plugin meanwhile never sees half a file.
 */
export async function installPlugin(options: { system: boolean; dockerConfigDir: string }): Promise<string> {
  const dir = pluginDir(options);
  const path = join(dir, 'docker-model');
  const entry = join(packageInfo().root, 'dist', 'plugin', 'model-main.js');
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${path}.tmp`, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(entry)} "$@"\n`);
  await chmod(`${path}.tmp`, 0o755);
  await rename(`${path}.tmp`, path);
  return path;
}

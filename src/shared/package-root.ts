import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  root: string;
  version: string;
}

/** The package's own root, found by walking up from this file: it runs from src/ and from dist/src/. */
export function packageInfo(): PackageInfo {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'model-runner') return { root: dir, version: `v${pkg.version ?? '0.0.0'}` };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the model-runner package root');
    dir = parent;
  }
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EngineBackend {
  description: string;
  dir: string;
}

/** What /engines/status and /engines/df report about the engine, read without loading it. */
export function engineBackend(packageRoot: string): EngineBackend {
  const dir = join(packageRoot, 'node_modules', 'node-llama-cpp');
  try {
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    return { description: `llama.cpp via node-llama-cpp ${version}`, dir };
  } catch {
    return { description: 'llama.cpp via node-llama-cpp', dir };
  }
}

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeModel } from '../src/gguf/make-model.js';
import type { PresetName } from '../src/gguf/model-presets.js';

export const benchCache = process.env.MODEL_RUNNER_CACHE ?? join(homedir(), '.cache', 'model-runner');

/** A generated model the benchmarks use (SmolLM2-135M's shape unless told), made once into the cache. */
export async function benchModel(type: 'q8_0' | 'f16', preset: PresetName = 'smollm2-135m'): Promise<string> {
  const path = join(benchCache, 'models', `${preset}-${type}.gguf`);
  if (!existsSync(path)) {
    await mkdir(join(benchCache, 'models'), { recursive: true });
    process.stderr.write(`generating ${path}\n`);
    await makeModel({ preset, type, out: path });
  }
  return path;
}

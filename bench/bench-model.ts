import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeModel } from '../src/gguf/make-model.js';

export const benchCache = process.env.MODEL_RUNNER_CACHE ?? join(homedir(), '.cache', 'model-runner');

/** The SmolLM2-135M-shape model the benchmarks use, generated once into the cache. */
export async function benchModel(type: 'q8_0' | 'f16'): Promise<string> {
  const path = join(benchCache, 'models', `smollm2-135m-${type}.gguf`);
  if (!existsSync(path)) {
    await mkdir(join(benchCache, 'models'), { recursive: true });
    process.stderr.write(`generating ${path}\n`);
    await makeModel({ preset: 'smollm2-135m', type, out: path });
  }
  return path;
}

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatTemplateName } from '../../src/shared/chat-templates.js';
import { makeModel } from '../../src/gguf/make-model.js';
import type { PresetName } from '../../src/gguf/model-presets.js';
import { buildModelArtifact, type ModelArtifact, type PackageOptions } from '../../src/distribution/build-model-artifact.js';
import type { ModelStore } from '../../src/store/model-store.js';
import { repoRoot } from './runner-process.js';

const cacheDir = join(tmpdir(), 'model-runner-test-models');

/** Identifies the generator's code, so a changed generator never serves a stale cached model. */
function generatorFingerprint(): string {
  const dir = join(repoRoot, 'src', 'gguf');
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts')).sort()) {
    hash.update(name).update(readFileSync(join(dir, name)));
  }
  // The templates the generator embeds live in shared/, where the worker reads ChatML from too.
  hash.update(readFileSync(join(repoRoot, 'src', 'shared', 'chat-templates.ts')));
  return hash.digest('hex').slice(0, 12);
}

const fingerprint = generatorFingerprint();

/** Generated models are deterministic, so tests share one copy of each across runs. */
export async function generatedModel(preset: PresetName = 'tiny', type: 'f16' | 'q8_0' = 'q8_0', seed = 1, chatTemplate: ChatTemplateName = 'chatml'): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  const path = join(cacheDir, `${preset}-${type}-${seed}-${chatTemplate}-${fingerprint}.gguf`);
  if (!existsSync(path)) {
    const temp = `${path}.${process.pid}.tmp`;
    await makeModel({ preset, type, out: temp, seed, chatTemplate });
    await rename(temp, path);
  }
  return path;
}

export async function tinyArtifact(options: Partial<PackageOptions> = {}): Promise<ModelArtifact> {
  return buildModelArtifact({ ggufPath: await generatedModel(), created: new Date('2026-01-02T03:04:05Z'), ...options });
}

/** Stores an artifact the way `/models/load` does: staged, verified, committed. */
export async function importArtifact(store: ModelStore, artifact: ModelArtifact, tags: string[] = []): Promise<string> {
  const staged = await store.beginImport();
  try {
    for (const blob of artifact.blobs) await staged.addBlob(blob.digest, blob.open());
    return await store.commit(artifact.manifest, staged, tags);
  } finally {
    await staged.close();
  }
}

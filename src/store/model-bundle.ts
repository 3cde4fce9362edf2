import { existsSync } from 'node:fs';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathFor } from './atomic-file.js';
import { MediaType, layersOfType } from './model-artifact.js';
import type { StoredModel } from './model-store.js';
import type { StoreLayout } from './store-layout.js';

/** The files an engine loads a model from. */
export interface ModelBundle {
  dir: string;
  /** The GGUF to load; for sharded models, the first shard. */
  modelPath: string;
  chatTemplatePath: string | undefined;
}

function ggufFileNames(count: number): string[] {
  if (count === 1) return ['model.gguf'];
  const width = (n: number) => String(n).padStart(5, '0');
  return Array.from({ length: count }, (_, i) => `model-${width(i + 1)}-of-${width(count)}.gguf`);
}

function describe(dir: string, model: StoredModel): ModelBundle {
  const names = ggufFileNames(layersOfType(model.manifest, MediaType.gguf).length);
  const hasTemplate = layersOfType(model.manifest, MediaType.chatTemplate).length > 0;
  return {
    dir,
    modelPath: join(dir, 'model', names[0] ?? 'model.gguf'),
    chatTemplatePath: hasTemplate ? join(dir, 'model', 'template.jinja') : undefined,
  };
}

/**
 * A bundle is renamed into place whole, so one whose model file is there is complete. Checked
 * synchronously, as every inference request does it: see `IndexCache` for why.
 */
export function existingBundle(layout: StoreLayout, model: StoredModel): ModelBundle | undefined {
  const bundle = describe(layout.bundle(model.id), model);
  return existsSync(bundle.modelPath) ? bundle : undefined;
}

/**
 * DMR's runtime bundle: hard links to the blobs under `bundles/sha256/<id>/model/`, built in a
 * temp directory and renamed into place so a half-built bundle is never used.
 */
export async function ensureBundle(layout: StoreLayout, model: StoredModel, owner: string): Promise<ModelBundle> {
  const existing = existingBundle(layout, model);
  if (existing) return existing;
  const dir = layout.bundle(model.id);
  const bundle = describe(dir, model);
  const temp = tempPathFor(dir, owner);
  try {
    await mkdir(join(temp, 'model'), { recursive: true });
    const names = ggufFileNames(layersOfType(model.manifest, MediaType.gguf).length);
    for (const [i, layer] of layersOfType(model.manifest, MediaType.gguf).entries()) {
      await link(layout.blob(layer.digest), join(temp, 'model', names[i] ?? 'model.gguf'));
    }
    const [template] = layersOfType(model.manifest, MediaType.chatTemplate);
    if (template) await link(layout.blob(template.digest), join(temp, 'model', 'template.jinja'));
    await writeFile(join(temp, 'config.json'), JSON.stringify(model.configFile.config));
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return bundle;
}

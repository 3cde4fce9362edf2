import { MediaType, type Descriptor, type Manifest, type ModelConfigFile } from '../store/model-artifact.js';
import { normalizeTag } from '../store/model-reference.js';
import type { ModelStore } from '../store/model-store.js';
import { checkContextSize } from './build-model-artifact.js';
import { digestBytes } from './file-digest.js';

/**
 * DMR's repackage: a new config (same model, another context size) and a new manifest over the
 * very same layer blobs, committed and tagged as `target`. A ModelPack source becomes a Docker
 * v0.1 config, the form DMR's tools write.
 */
export async function repackageModel(store: ModelStore, reference: string, target: string, contextSize: number | undefined): Promise<string> {
  const tag = normalizeTag(target);
  checkContextSize(contextSize);
  const source = await store.get(reference);
  const configFile: ModelConfigFile = {
    ...source.configFile,
    config: { ...source.configFile.config, ...(contextSize === undefined ? {} : { context_size: contextSize }) },
  };
  const configBytes = Buffer.from(JSON.stringify(configFile));
  const keepsType = source.manifest.config.mediaType !== MediaType.modelPackConfig;
  const config: Descriptor = { mediaType: keepsType ? source.manifest.config.mediaType : MediaType.modelConfigV01, ...digestBytes(configBytes) };
  const { artifactType: _dropped, ...withoutArtifactType } = source.manifest;
  const manifest: Manifest = { ...(keepsType ? source.manifest : withoutArtifactType), config };
  await store.writeBlob(config.digest, configBytes);
  return store.commit(Buffer.from(JSON.stringify(manifest)), undefined, [tag]);
}

import { RunnerError } from '../shared/errors.js';
import { unsupportedConfigError } from '../store/check-artifact.js';
import { MAX_CONFIG_BYTES, SUPPORTED_CONFIG_MEDIA_TYPES, parseManifest, parseModelConfigFile, type Manifest, type ModelConfigFile } from '../store/model-artifact.js';
import { formatModelTag, parseModelName, type ModelName } from '../store/model-reference.js';
import type { RegistryClient } from './registry-client.js';
import type { RegistryRepository } from './registry-repository.js';

/** A model's manifest as a registry serves it, checked to be one we can run. */
export interface RemoteModel {
  name: ModelName;
  /** The tag it is stored under; none when the reference pinned a digest. */
  tag: string | undefined;
  repository: RegistryRepository;
  id: string;
  manifestBytes: Uint8Array;
  manifest: Manifest;
}

/**
 * Resolves a reference against its registry: manifest first, so a bad reference, missing model,
 * refused credential or unsupported artifact is known (and reported with its status) before any
 * byte of a pull is streamed.
 */
export async function fetchRemoteModel(registry: RegistryClient, reference: string, bearerToken: string | undefined, signal?: AbortSignal): Promise<RemoteModel> {
  const name = parseModelName(reference);
  const { repository, manifest: fetched } = await registry.manifest(name, bearerToken, signal);
  const manifest = parseManifest(fetched.bytes);
  if (!SUPPORTED_CONFIG_MEDIA_TYPES.includes(manifest.config.mediaType)) throw unsupportedConfigError(manifest.config.mediaType);
  return {
    name,
    tag: name.digest === undefined ? formatModelTag(name) : undefined,
    repository,
    id: fetched.digest,
    manifestBytes: fetched.bytes,
    manifest,
  };
}

/** The config blob: small, so read whole, verified, then parsed. */
export async function fetchRemoteConfig(model: RemoteModel, signal?: AbortSignal): Promise<{ bytes: Uint8Array; file: ModelConfigFile }> {
  const { config } = model.manifest;
  if (config.size > MAX_CONFIG_BYTES) throw new RunnerError('invalid_model', `model config blob is ${config.size} bytes, larger than ${MAX_CONFIG_BYTES}`);
  const bytes = await model.repository.blobBytes(config, signal);
  return { bytes, file: parseModelConfigFile(bytes, config.mediaType) };
}

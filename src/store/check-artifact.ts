import { readFile, stat } from 'node:fs/promises';
import { readGgufHeader } from '../gguf/read-gguf-header.js';
import { RunnerError } from '../shared/errors.js';
import {
  MAX_CONFIG_BYTES,
  MediaType,
  SUPPORTED_CONFIG_MEDIA_TYPES,
  blobDescriptors,
  layersOfType,
  parseModelConfigFile,
  type Manifest,
  type ModelConfigFile,
} from './model-artifact.js';

/** Where a blob's bytes are, or undefined when nobody has them. */
export type BlobLocator = (digest: string) => Promise<string | undefined>;

export function unsupportedConfigError(mediaType: string): RunnerError {
  return new RunnerError(
    'unsupported_model',
    `config type "${mediaType}" is not supported (supported: ${SUPPORTED_CONFIG_MEDIA_TYPES.join(', ')}) - try upgrading: unsupported model config media type`,
  );
}

async function requireBlob(locate: BlobLocator, digest: string, size: number): Promise<string> {
  const path = await locate(digest);
  if (path === undefined) throw new RunnerError('invalid_model', `blob ${digest} referenced by the manifest is missing`);
  const actual = (await stat(path)).size;
  if (actual !== size) throw new RunnerError('invalid_model', `blob ${digest} has ${actual} bytes, the manifest says ${size}`);
  return path;
}

/**
 * Everything a model must satisfy before its manifest may enter the store: a config type we
 * understand, every blob present with its declared size, a readable config and well-formed GGUF
 * weights (a truncated GGUF would otherwise only fail, or crash, at load time).
 */
export async function checkArtifact(manifest: Manifest, locate: BlobLocator): Promise<ModelConfigFile> {
  if (!SUPPORTED_CONFIG_MEDIA_TYPES.includes(manifest.config.mediaType)) {
    throw unsupportedConfigError(manifest.config.mediaType);
  }
  if (manifest.config.size > MAX_CONFIG_BYTES) throw new RunnerError('invalid_model', 'model config blob is too large');
  const paths = new Map<string, string>();
  for (const { digest, size } of blobDescriptors(manifest)) paths.set(digest, await requireBlob(locate, digest, size));
  const configFile = parseModelConfigFile(await readFile(paths.get(manifest.config.digest) ?? ''), manifest.config.mediaType);
  const ggufLayers = layersOfType(manifest, MediaType.gguf);
  if (ggufLayers.length === 0) throw new RunnerError('invalid_model', 'model has no GGUF layer');
  for (const layer of ggufLayers) await readGgufHeader(paths.get(layer.digest) ?? '');
  return configFile;
}

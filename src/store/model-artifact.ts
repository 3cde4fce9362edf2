import type { ModelConfig } from '../api/dmr-types.js';
import { RunnerError } from '../shared/errors.js';
import { modelConfigFromModelPack } from './modelpack-config.js';

export type { ModelConfig };

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  modelConfigV01: 'application/vnd.docker.ai.model.config.v0.1+json',
  modelConfigV02: 'application/vnd.docker.ai.model.config.v0.2+json',
  modelPackConfig: 'application/vnd.cncf.model.config.v1+json',
  modelPackManifest: 'application/vnd.cncf.model.manifest.v1+json',
  gguf: 'application/vnd.docker.ai.gguf.v3',
  safetensors: 'application/vnd.docker.ai.safetensors',
  modelFile: 'application/vnd.docker.ai.model.file',
  license: 'application/vnd.docker.ai.license',
  mmproj: 'application/vnd.docker.ai.mmproj',
  chatTemplate: 'application/vnd.docker.ai.chat.template.jinja',
} as const;

export const SUPPORTED_CONFIG_MEDIA_TYPES: readonly string[] = [MediaType.modelConfigV01, MediaType.modelConfigV02, MediaType.modelPackConfig];

/** ModelPack layer media types and the Docker ones they stand for. */
const MODELPACK_LAYER_TYPES: Readonly<Record<string, string>> = {
  'application/vnd.cncf.model.weight.v1.gguf': MediaType.gguf,
  'application/vnd.cncf.model.weight.v1.safetensors': MediaType.safetensors,
  'application/vnd.cncf.model.weight.config.v1.raw': MediaType.modelFile,
  'application/vnd.cncf.model.doc.v1.raw': MediaType.modelFile,
};

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** The config blob of a Docker model artifact (reference §6.3). */
export interface ModelConfigFile {
  config: ModelConfig;
  descriptor?: { created?: string };
  rootfs?: { type: string; diff_ids: string[] };
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

function invalidManifest(why: string): RunnerError {
  return new RunnerError('invalid_model', `invalid model manifest: ${why}`);
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (typeof value !== 'object' || value === null) throw invalidManifest(`${where} is not an object`);
  const { mediaType, digest, size, annotations } = value as Record<string, unknown>;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalidManifest(`${where} has no mediaType`);
  if (typeof digest !== 'string' || !DIGEST.test(digest)) throw invalidManifest(`${where} digest must be sha256:<64 hex>`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalidManifest(`${where} has an invalid size`);
  const descriptor: Descriptor = { mediaType, digest, size };
  if (annotations !== undefined) descriptor.annotations = annotations as Record<string, string>;
  return descriptor;
}

/** Parses and checks a manifest's structure; what its blobs contain is checked by whoever has them. */
export function parseManifest(bytes: Uint8Array): Manifest {
  if (bytes.byteLength > MAX_MANIFEST_BYTES) throw invalidManifest(`larger than ${MAX_MANIFEST_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw invalidManifest('not valid JSON');
  }
  if (typeof json !== 'object' || json === null) throw invalidManifest('not a JSON object');
  const raw = json as Record<string, unknown>;
  if (raw.schemaVersion !== 2) throw invalidManifest('schemaVersion must be 2');
  if (!Array.isArray(raw.layers) || raw.layers.length === 0) throw invalidManifest('no layers');
  const manifest: Manifest = {
    ...(raw as object),
    schemaVersion: 2,
    config: parseDescriptor(raw.config, 'config'),
    layers: raw.layers.map((layer, index) => parseDescriptor(layer, `layer ${index}`)),
  };
  return manifest;
}

/** Reads a config blob of any supported type into DMR's shape. */
export function parseModelConfigFile(bytes: Uint8Array, mediaType: string = MediaType.modelConfigV01): ModelConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new RunnerError('invalid_model', 'invalid model config: not valid JSON');
  }
  if (typeof json !== 'object' || json === null || typeof (json as ModelConfigFile).config !== 'object') {
    throw new RunnerError('invalid_model', 'invalid model config: no "config" object');
  }
  return mediaType === MediaType.modelPackConfig ? modelConfigFromModelPack(json) : (json as ModelConfigFile);
}

/** Unix seconds of the config's creation time; 0 when absent, as DMR reports it. */
export function createdSeconds(file: ModelConfigFile): number {
  const created = file.descriptor?.created;
  const millis = created === undefined ? NaN : Date.parse(created);
  return Number.isNaN(millis) ? 0 : Math.floor(millis / 1000);
}

/** Layers of a Docker layer type, counting the ModelPack layers that stand for it. */
export function layersOfType(manifest: Manifest, mediaType: string): Descriptor[] {
  return manifest.layers.filter((layer) => (MODELPACK_LAYER_TYPES[layer.mediaType] ?? layer.mediaType) === mediaType);
}

/** Every blob the manifest references, layers then config, each digest once. */
export function blobDescriptors(manifest: Manifest): Descriptor[] {
  const byDigest = new Map([...manifest.layers, manifest.config].map((descriptor) => [descriptor.digest, descriptor]));
  return [...byDigest.values()];
}

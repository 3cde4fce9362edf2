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
const MAX_CONTEXT_SIZE = 2 ** 31 - 1;

type FieldCheck = (value: unknown) => boolean;

const isString = (value: unknown): value is string => typeof value === 'string';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every(isString);
}

const isConfigDescriptor: FieldCheck = (value) => isObject(value) && (value.created === undefined || isString(value.created));

const MANIFEST_FIELDS: Readonly<Record<string, FieldCheck>> = { mediaType: isString, artifactType: isString, annotations: isStringRecord };

/** DMR's config fields as its Go types decode them; the scheduler sizes workers from `gguf` and `context_size`. */
const CONFIG_FIELDS: Readonly<Record<string, FieldCheck>> = {
  format: isString,
  quantization: isString,
  parameters: isString,
  architecture: isString,
  size: isString,
  gguf: isStringRecord,
  context_size: (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_CONTEXT_SIZE,
};

/** Optional fields are absent or of their declared type, so that code trusting the parsed type never meets a surprise. */
function checkOptional(raw: Record<string, unknown>, fields: Readonly<Record<string, FieldCheck>>, fail: (why: string) => RunnerError): void {
  for (const [field, valid] of Object.entries(fields)) {
    if (raw[field] !== undefined && !valid(raw[field])) throw fail(`${field} has the wrong type`);
  }
}

function invalidManifest(why: string): RunnerError {
  return new RunnerError('invalid_model', `invalid model manifest: ${why}`);
}

function invalidConfig(why: string): RunnerError {
  return new RunnerError('invalid_model', `invalid model config: ${why}`);
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw invalidManifest(`${where} is not an object`);
  checkOptional(value, { annotations: isStringRecord }, (why) => invalidManifest(`${where} ${why}`));
  const { mediaType, digest, size, annotations } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalidManifest(`${where} has no mediaType`);
  if (typeof digest !== 'string' || !DIGEST.test(digest)) throw invalidManifest(`${where} digest must be sha256:<64 hex>`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalidManifest(`${where} has an invalid size`);
  const descriptor: Descriptor = { mediaType, digest, size };
  if (isStringRecord(annotations)) descriptor.annotations = annotations;
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
  if (!isObject(json)) throw invalidManifest('not a JSON object');
  checkOptional(json, MANIFEST_FIELDS, invalidManifest);
  if (json.schemaVersion !== 2) throw invalidManifest('schemaVersion must be 2');
  if (!Array.isArray(json.layers) || json.layers.length === 0) throw invalidManifest('no layers');
  const manifest: Manifest = {
    ...json,
    schemaVersion: 2,
    config: parseDescriptor(json.config, 'config'),
    layers: json.layers.map((layer, index) => parseDescriptor(layer, `layer ${index}`)),
  };
  return manifest;
}

/** Reads a config blob of any supported type into DMR's shape. */
export function parseModelConfigFile(bytes: Uint8Array, mediaType: string = MediaType.modelConfigV01): ModelConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw invalidConfig('not valid JSON');
  }
  if (!isObject(json) || !isObject(json.config)) throw invalidConfig('no "config" object');
  if (mediaType === MediaType.modelPackConfig) return modelConfigFromModelPack(json);
  checkOptional(json.config, CONFIG_FIELDS, (why) => invalidConfig(`config.${why}`));
  checkOptional(json, { descriptor: isConfigDescriptor }, invalidConfig);
  return json as unknown as ModelConfigFile;
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

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { modelConfigFromGguf } from '../gguf/model-config.js';
import { readGgufHeader } from '../gguf/read-gguf-header.js';
import { RunnerError } from '../shared/errors.js';
import { MediaType, type Descriptor, type Manifest, type ModelConfigFile } from '../store/model-artifact.js';
import { digestBytes, digestFile } from './file-digest.js';
import type { ArchiveBlob } from './model-tar.js';

export interface PackageOptions {
  ggufPath: string;
  licensePaths?: readonly string[];
  chatTemplatePath?: string;
  contextSize?: number;
  created?: Date;
}

/** A packaged model: its manifest, its id, and every blob (layers and config) it references. */
export interface ModelArtifact {
  id: string;
  manifest: Uint8Array;
  blobs: ArchiveBlob[];
}

interface FileLayer {
  descriptor: Descriptor;
  path: string;
}

/** Layer annotations as DMR's packager writes them (reference §6.2). */
async function fileLayer(path: string, mediaType: string, fileName: string): Promise<FileLayer> {
  const { digest, size } = await digestFile(path);
  const info = await stat(path);
  const metadata = { name: fileName, mode: info.mode & 0o777, uid: 0, gid: 0, size, mtime: info.mtime.toISOString(), typeflag: 0 };
  const annotations = {
    'org.cncf.model.filepath': fileName,
    'org.cncf.model.file.metadata+json': JSON.stringify(metadata),
    'org.cncf.model.file.mediatype.untested': 'false',
  };
  return { descriptor: { mediaType, digest, size, annotations }, path };
}

export function checkContextSize(contextSize: number | undefined): void {
  if (contextSize !== undefined && (!Number.isInteger(contextSize) || contextSize <= 0 || contextSize > 2 ** 31 - 1)) {
    throw new RunnerError('invalid_request', `context size must be a positive integer, got ${contextSize}`);
  }
}

/** Builds a DMR model artifact (config v0.1, GGUF layer, optional license and template layers). */
export async function buildModelArtifact(options: PackageOptions): Promise<ModelArtifact> {
  checkContextSize(options.contextSize);
  const header = await readGgufHeader(options.ggufPath);
  const ggufConfig = modelConfigFromGguf(header);
  const layers: FileLayer[] = [await fileLayer(options.ggufPath, MediaType.gguf, basename(options.ggufPath))];
  for (const license of options.licensePaths ?? []) layers.push(await fileLayer(license, MediaType.license, basename(license)));
  if (options.chatTemplatePath) {
    layers.push(await fileLayer(options.chatTemplatePath, MediaType.chatTemplate, basename(options.chatTemplatePath)));
  }
  const contextSize = options.contextSize ?? ggufConfig.context_size;
  const configFile: ModelConfigFile = {
    config: { ...ggufConfig, ...(contextSize === undefined ? {} : { context_size: contextSize }) },
    descriptor: { created: (options.created ?? new Date()).toISOString() },
    rootfs: { type: 'rootfs', diff_ids: layers.map((layer) => layer.descriptor.digest) },
  };
  const configBytes = Buffer.from(JSON.stringify(configFile));
  const configDescriptor: Descriptor = { mediaType: MediaType.modelConfigV01, ...digestBytes(configBytes) };
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: layers.map((layer) => layer.descriptor),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const blobs: ArchiveBlob[] = [
    ...layers.map((layer) => ({ ...layer.descriptor, open: (start?: number, end?: number) => createReadStream(layer.path, { start, end }) })),
    { ...configDescriptor, open: (start = 0, end = configBytes.byteLength - 1) => Readable.from([configBytes.subarray(start, end + 1)]) },
  ];
  return { id: digestBytes(manifestBytes).digest, manifest: manifestBytes, blobs };
}

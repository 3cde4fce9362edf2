import { RunnerError } from '../shared/errors.js';
import { settleAll } from '../shared/settle-all.js';
import { MediaType, blobDescriptors, type Descriptor, type Manifest } from '../store/model-artifact.js';
import { parseModelName, type ModelName } from '../store/model-reference.js';
import type { ProgressWork } from './progress-operation.js';
import { ProgressReporter } from './progress-reporter.js';
import type { RegistryClient } from './registry-client.js';
import type { BlobOpener, RegistryRepository } from './registry-repository.js';

/** What a push sends: the stored model, or an artifact being packaged from files. */
export interface PushSource {
  manifestBytes: Uint8Array;
  manifest: Manifest;
  open: (digest: string) => BlobOpener;
  /** Repositories of the target registry that may already hold these blobs. */
  mountFrom: readonly string[];
}

export interface PushOptions {
  bearerToken?: string | undefined;
  /** Blobs up to this size go up in one request, larger ones in chunks of it. */
  chunkSize?: number;
}

const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;
const PARALLEL_UPLOADS = 3;

/** Names a push may go to: a tag, as DMR pushes (a digest names nothing to push to). */
export function pushTarget(reference: string): ModelName {
  const name = parseModelName(reference);
  if (name.digest !== undefined) throw new RunnerError('invalid_reference', `Invalid model reference "${reference}": push needs a tag, not a digest`);
  return name;
}

/** Other repositories on the target's registry that a model is known by: candidates for a cross-repository mount. */
export function mountCandidates(target: ModelName, tags: readonly string[]): string[] {
  const names = tags.map((tag) => parseModelName(tag)).filter((name) => name.registry === target.registry && name.repository !== target.repository);
  return [...new Set(names.map((name) => name.repository))];
}

async function pushBlob(repository: RegistryRepository, descriptor: Descriptor, source: PushSource, chunkSize: number, progress: (current: number) => void, signal: AbortSignal): Promise<void> {
  if (await repository.hasBlob(descriptor.digest, signal)) return progress(descriptor.size);
  for (const from of source.mountFrom) {
    if (await repository.mount(descriptor.digest, from, signal)) return progress(descriptor.size);
  }
  let sent = 0;
  progress(0);
  await repository.upload(descriptor, source.open(descriptor.digest), {
    chunkSize,
    signal,
    onBytes: (bytes) => progress((sent += bytes)),
  });
}

/**
 * Checks that the registry lets us push before anything is streamed, so a refusal is a real
 * 401 and not an error line; resolves to the work that uploads (reference docker-integration §5.3).
 */
export async function preparePush(registry: RegistryClient, target: ModelName, source: PushSource, options: PushOptions, signal?: AbortSignal): Promise<ProgressWork> {
  const { repository, reference } = registry.pushRepository(target, { bearerToken: options.bearerToken, mountFrom: source.mountFrom });
  await repository.checkPushAccess(signal);
  return async (emit, runSignal) => {
    const total = source.manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
    const reporter = new ProgressReporter('push', total, emit);
    const layerDigests = new Set(source.manifest.layers.map((layer) => layer.digest));
    const queue = blobDescriptors(source.manifest);
    // A few uploads at a time; the first failure stops the rest before the error line goes out.
    await settleAll(
      Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, (_, lane) => lane),
      async (_lane, signal) => {
        for (let descriptor = queue.shift(); descriptor !== undefined; descriptor = queue.shift()) {
          const progress = layerDigests.has(descriptor.digest) ? reporter.layer(descriptor.digest, descriptor.size) : () => undefined;
          await pushBlob(repository, descriptor, source, options.chunkSize ?? DEFAULT_CHUNK_SIZE, progress, signal);
        }
      },
      runSignal,
    );
    await repository.putManifest(reference, source.manifestBytes, source.manifest.mediaType ?? MediaType.ociManifest, runSignal);
    return 'Model pushed successfully';
  };
}

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, truncate } from 'node:fs/promises';
import { RunnerError, isRunnerError } from '../shared/errors.js';
import { fileSize } from '../shared/file-size.js';
import type { Descriptor } from '../store/model-artifact.js';
import type { StoreLayout } from '../store/store-layout.js';
import { BlobFileWriter } from './blob-file-writer.js';
import type { RegistryRepository } from './registry-repository.js';

async function hashExisting(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
}

/**
 * Downloads one blob straight into `blobs/sha256/<hex>.incomplete`, continuing a previous partial
 * download with a Range request, and renames it into place only once its sha256 matches. A failed
 * transfer keeps the partial file for the next attempt; a mismatching one is thrown away.
 */
export async function downloadBlob(
  repository: RegistryRepository,
  descriptor: Descriptor,
  layout: StoreLayout,
  onProgress: (current: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { digest, size } = descriptor;
  const final = layout.blob(digest);
  if ((await fileSize(final)) === size) {
    onProgress(size);
    return;
  }
  const partial = `${final}.incomplete`;
  let have = (await fileSize(partial)) ?? 0;
  if (have > size) {
    await truncate(partial, 0);
    have = 0;
  }
  let hash = createHash('sha256');
  if (have > 0) await hashExisting(partial, hash);
  if (have < size) {
    const stream = await repository.blob(descriptor, have, signal);
    if (stream.start === 0 && have > 0) {
      hash = createHash('sha256');
      have = 0;
    }
    const file = await BlobFileWriter.open(partial, have > 0);
    try {
      onProgress(have);
      for await (const chunk of stream.body) {
        have += chunk.byteLength;
        if (have > size) throw new RunnerError('invalid_model', `blob ${digest} is longer than the ${size} bytes its descriptor declares`);
        hash.update(chunk);
        await file.write(chunk);
        onProgress(have);
      }
    } catch (error) {
      await file.abandon();
      // Only this blob's own bad bytes condemn its partial file; a cancellation keeps it to resume.
      if (isRunnerError(error, 'invalid_model') && !signal?.aborted) await rm(partial, { force: true });
      if (error instanceof RunnerError) throw error;
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new RunnerError('internal', `download of blob ${digest} from ${repository.name} broke off after ${have} of ${size} bytes (${cause}); pull again to resume`, { cause: error });
    }
    await file.finish();
  }
  if (have !== size) throw new RunnerError('internal', `download of ${digest} ended after ${have} of ${size} bytes`);
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== digest) {
    await rm(partial, { force: true });
    throw new RunnerError('invalid_model', `blob ${digest} does not match its digest (its content is ${actual}); nothing was stored`);
  }
  await rename(partial, final);
}


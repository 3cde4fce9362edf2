import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { RunnerError, isRunnerError } from '../shared/errors.js';
import { MAX_MANIFEST_BYTES } from '../store/model-artifact.js';
import type { ModelStore } from '../store/model-store.js';
import type { StagedImport } from '../store/staged-import.js';

const BLOB_ENTRY = /^blobs\/sha256\/([a-f0-9]{64})$/;

function invalidArchive(why: string): RunnerError {
  return new RunnerError('invalid_request', `invalid model archive: ${why}`);
}

/** Archive paths are relative and clean; anything that could point outside the archive is refused. */
function entryPath(name: string): string {
  if (name.includes('\0')) throw invalidArchive('entry name contains NUL');
  const path = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (path.startsWith('/')) throw invalidArchive(`absolute path "${path}"`);
  if (path.split('/').some((segment) => segment === '..')) throw invalidArchive(`path traversal in "${path}"`);
  return path;
}

async function readSmall(entry: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    size += chunk.byteLength;
    if (size > limit) throw invalidArchive(`manifest.json is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function drain(entry: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of entry) void chunk;
}

async function stageEntries(source: Readable, staged: StagedImport): Promise<Buffer | undefined> {
  const extract = tar.extract();
  // Settled here so that leaving the loop early (a refused entry) is not an unhandled rejection.
  const feeding = pipeline(source, extract).then(
    () => undefined,
    (error: unknown) => error,
  );
  let manifest: Buffer | undefined;
  for await (const item of extract) {
    const entry = item as AsyncIterable<Buffer> & { header: typeof item.header };
    const { type, name } = entry.header;
    const path = entryPath(name);
    if (type === 'directory') {
      await drain(entry);
      continue;
    }
    if (type !== 'file' && type !== 'contiguous-file') throw invalidArchive(`entry "${path}" is a ${type}, not a regular file`);
    const blob = BLOB_ENTRY.exec(path);
    if (blob) await staged.addBlob(`sha256:${blob[1]}`, entry);
    else if (path === 'manifest.json') manifest = await readSmall(entry, MAX_MANIFEST_BYTES);
    else if (path.startsWith('blobs/')) throw invalidArchive(`unsupported blob path "${path}"`);
    else await drain(entry);
  }
  const failure = await feeding;
  if (failure) throw failure;
  return manifest;
}

/**
 * Imports a model archive (`POST /models/load`). Blobs are staged and verified against their
 * digests; the model is committed only when the archive is complete and consistent, so a bad
 * archive leaves the store unchanged. The model is stored untagged, as DMR does.
 */
export async function loadModelArchive(store: ModelStore, source: Readable): Promise<string> {
  const staged = await store.beginImport();
  try {
    const manifest = await stageEntries(source, staged).catch((error: unknown) => {
      source.destroy();
      throw isRunnerError(error) ? error : invalidArchive((error as Error).message);
    });
    if (!manifest) throw invalidArchive('no manifest.json');
    return await store.commit(manifest, staged);
  } finally {
    await staged.close();
  }
}

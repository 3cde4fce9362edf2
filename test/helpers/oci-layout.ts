import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A blob to lay out: its digest and a way to read its bytes (an `ArchiveBlob` from the builder fits). */
export interface LayoutBlob {
  digest: string;
  open(): AsyncIterable<Uint8Array>;
}

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: OciDescriptor[];
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const REF_NAME = 'org.opencontainers.image.ref.name';

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function descriptorOf(mediaType: string, bytes: Uint8Array, annotations?: Record<string, string>): OciDescriptor {
  return { mediaType, digest: sha256(bytes), size: bytes.byteLength, ...(annotations ? { annotations } : {}) };
}

/** A blob held in memory. */
export function bytesBlob(bytes: Uint8Array): LayoutBlob {
  return {
    digest: sha256(bytes),
    async *open() {
      yield bytes;
    },
  };
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function hex(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

/**
 * Writes an OCI image layout (image-spec `image-layout.md`): `oci-layout`, `blobs/sha256/<hex>`
 * for the manifest and every blob, and `index.json` naming the manifest under `tag`.
 */
export async function writeOciLayout(dir: string, manifest: Uint8Array, blobs: readonly LayoutBlob[], tag: string): Promise<OciDescriptor> {
  const blobsDir = join(dir, 'blobs', 'sha256');
  await mkdir(blobsDir, { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const blob of blobs) {
    const bytes = await readAll(blob.open());
    if (sha256(bytes) !== blob.digest) throw new Error(`blob ${blob.digest} does not hash to its digest`);
    await writeFile(join(blobsDir, hex(blob.digest)), bytes);
  }
  await writeFile(join(blobsDir, hex(sha256(manifest))), manifest);
  const descriptor = descriptorOf(OCI_MANIFEST, manifest, { [REF_NAME]: tag });
  const index: OciIndex = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptor] };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  return descriptor;
}

export interface OciLayout {
  index: OciIndex;
  /** Blob file names under `blobs/sha256/`, as digests. */
  blobDigests: string[];
  readBlob(digest: string): Promise<Buffer>;
}

export async function readOciLayout(dir: string): Promise<OciLayout> {
  const blobsDir = join(dir, 'blobs', 'sha256');
  return {
    index: JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as OciIndex,
    blobDigests: (await readdir(blobsDir)).map((name) => `sha256:${name}`),
    readBlob: (digest) => readFile(join(blobsDir, hex(digest))),
  };
}

/** Runs `skopeo copy` with `--preserve-digests`, so skopeo refuses rather than rewrites anything (signature policy is not under test). */
export async function skopeoCopy(source: string, destination: string, flags: readonly string[] = []): Promise<{ stdout: string; stderr: string }> {
  const args = ['--insecure-policy', 'copy', '--quiet', '--preserve-digests', ...flags, source, destination];
  try {
    return await promisify(execFile)('skopeo', args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, timeout: 30_000 });
  } catch (error) {
    const failed = error as Error & { stderr?: string };
    throw new Error(`skopeo ${args.join(' ')} failed: ${failed.stderr ?? failed.message}`);
  }
}

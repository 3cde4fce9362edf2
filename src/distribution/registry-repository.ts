import { Readable } from 'node:stream';
import { RunnerError } from '../shared/errors.js';
import { MAX_MANIFEST_BYTES, MediaType, type Descriptor } from '../store/model-artifact.js';
import { digestBytes } from './file-digest.js';
import { registryError } from './registry-errors.js';
import type { RegistryTransport, TransportResponse } from './registry-transport.js';

export const MANIFEST_ACCEPT = [
  MediaType.ociManifest,
  'application/vnd.oci.image.index.v1+json',
  MediaType.dockerManifest,
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export interface FetchedManifest {
  bytes: Uint8Array;
  mediaType: string;
  digest: string;
}

/** Where a blob download starts: at the requested offset (206), or over from 0 (200). */
export interface BlobStream {
  start: number;
  body: AsyncIterable<Uint8Array>;
}

export interface UploadOptions {
  /** Blobs up to this size go in one PUT; larger ones in PATCH chunks of this size. */
  chunkSize: number;
  onBytes: (bytes: number) => void;
  signal?: AbortSignal | undefined;
}

/** A blob's bytes, from any offset; push reads the store or the files being packaged. */
export type BlobOpener = (start: number, end?: number) => AsyncIterable<Uint8Array>;

/** A body read whole into memory, refused as soon as it passes `limit` bytes. */
async function collect(body: AsyncIterable<Uint8Array>, limit: number, what: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new RunnerError('invalid_model', `${what} is larger than the ${limit} bytes allowed`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readLimited(answer: TransportResponse, limit: number, what: string): Promise<Uint8Array> {
  const declared = Number(answer.response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await answer.discard();
    throw new RunnerError('invalid_model', `${what} is ${declared} bytes, larger than the ${limit} allowed`);
  }
  return collect(answer.body(), limit, what);
}

/** Opens the source only when the body is read, so a request that never sends it leaves no file open. */
function counted(open: () => AsyncIterable<Uint8Array>, onBytes: (bytes: number) => void): ReadableStream<Uint8Array> {
  async function* count(): AsyncGenerator<Uint8Array> {
    for await (const chunk of open()) {
      onBytes(chunk.byteLength);
      yield chunk;
    }
  }
  return Readable.toWeb(Readable.from(count())) as ReadableStream<Uint8Array>;
}

/** The OCI distribution endpoints of one repository (reference docker-integration §5). */
export class RegistryRepository {
  constructor(
    readonly transport: RegistryTransport,
    readonly name: string,
  ) {}

  get #base(): string {
    return `/v2/${this.name}`;
  }

  /** Fetches a manifest, bounded in size and checked against the digest the registry claims. */
  async manifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const what = `manifest ${this.name}:${reference}`;
    const answer = await this.transport.request(`${this.#base}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT }, signal }, what);
    if (!answer.response.ok) throw await registryError(answer.response, `cannot fetch ${what}`);
    const bytes = await readLimited(answer, MAX_MANIFEST_BYTES, what);
    const { digest } = digestBytes(bytes);
    const claimed = answer.response.headers.get('docker-content-digest');
    const expected = reference.startsWith('sha256:') ? reference : claimed?.startsWith('sha256:') ? claimed : undefined;
    if (expected !== undefined && expected !== digest) {
      throw new RunnerError('invalid_model', `${what} does not match its digest ${expected} (its content is ${digest})`);
    }
    const mediaType = (answer.response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    return { bytes, mediaType, digest };
  }

  /**
   * The blob from `offset`: a 206 must say it starts there; a 200 (no range support) or a range
   * starting at 0 means from the start; a 416 (the partial file is stale) is asked again whole.
   */
  async blob(descriptor: Descriptor, offset: number, signal?: AbortSignal): Promise<BlobStream> {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const what = `blob ${descriptor.digest}`;
    const answer = await this.transport.request(`${this.#base}/blobs/${descriptor.digest}`, { headers, signal }, what);
    const { status } = answer.response;
    if (status === 200) return { start: 0, body: answer.body() };
    if (status === 206 && offset > 0) {
      const start = Number(/^bytes (\d+)-/.exec(answer.response.headers.get('content-range') ?? '')?.[1]);
      if (start === offset || start === 0) return { start, body: answer.body() };
      await answer.discard();
      throw new RunnerError('internal', `registry answered ${what} from byte ${start}, not the ${offset} asked for`);
    }
    if (status === 416 && offset > 0) {
      await answer.discard();
      return this.blob(descriptor, 0, signal);
    }
    throw await registryError(answer.response, `cannot fetch ${what} of ${this.name}`);
  }

  /** A small blob (a config) read whole, no longer than its descriptor says and verified against its digest. */
  async blobBytes(descriptor: Descriptor, signal?: AbortSignal): Promise<Buffer> {
    const stream = await this.blob(descriptor, 0, signal);
    const bytes = await collect(stream.body, descriptor.size, `blob ${descriptor.digest}`);
    const { digest } = digestBytes(bytes);
    if (digest !== descriptor.digest) throw new RunnerError('invalid_model', `blob ${descriptor.digest} does not match its digest (its content is ${digest})`);
    return bytes;
  }

  async hasBlob(digest: string, signal?: AbortSignal): Promise<boolean> {
    const answer = await this.transport.request(`${this.#base}/blobs/${digest}`, { method: 'HEAD', signal }, `blob ${digest}`);
    await answer.discard();
    if (answer.response.ok) return true;
    if (answer.response.status === 404) return false;
    throw await registryError(answer.response, `cannot check blob ${digest} in ${this.name}`);
  }

  /** Asks the registry to link a blob it has in another repository; false when it started an upload instead. */
  async mount(digest: string, from: string, signal?: AbortSignal): Promise<boolean> {
    const query = new URLSearchParams({ mount: digest, from });
    const answer = await this.transport.request(`${this.#base}/blobs/uploads/?${query}`, { method: 'POST', headers: { 'content-length': '0' }, signal }, `mount of ${digest}`);
    await answer.discard();
    if (answer.response.status === 201) return true;
    if (answer.response.status === 202) {
      await this.#cancel(this.#location(answer, answer.response.url), signal);
      return false;
    }
    throw await registryError(answer.response, `cannot mount ${digest} into ${this.name}`);
  }

  async upload(descriptor: Descriptor, open: BlobOpener, options: UploadOptions): Promise<void> {
    let location = await this.#startUpload(options.signal);
    const { size, digest } = descriptor;
    const chunked = size > options.chunkSize;
    let offset = 0;
    while (chunked && offset < size) {
      const end = Math.min(offset + options.chunkSize, size) - 1;
      const answer = await this.transport.request(
        location,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(end - offset + 1), 'content-range': `${offset}-${end}` },
          body: counted(() => open(offset, end), options.onBytes),
          signal: options.signal,
        },
        `upload of ${digest}`,
      );
      await answer.discard();
      if (answer.response.status !== 202) throw await registryError(answer.response, `upload of ${digest} to ${this.name} failed`);
      location = this.#location(answer, location);
      offset = end + 1;
    }
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const body = chunked ? undefined : counted(() => open(0), options.onBytes);
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(chunked ? 0 : size) };
    const answer = await this.transport.request(url, { method: 'PUT', headers, ...(body ? { body } : {}), signal: options.signal }, `upload of ${digest}`);
    await answer.discard();
    if (answer.response.status !== 201) throw await registryError(answer.response, `upload of ${digest} to ${this.name} failed`);
  }

  async putManifest(reference: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<void> {
    const answer = await this.transport.request(`${this.#base}/manifests/${reference}`, { method: 'PUT', headers: { 'content-type': mediaType }, body: bytes, signal }, `manifest ${this.name}:${reference}`);
    await answer.discard();
    if (answer.response.status !== 201) throw await registryError(answer.response, `cannot push manifest ${this.name}:${reference}`);
  }

  /** Opens and cancels an upload session: the one request that proves push access. */
  async checkPushAccess(signal?: AbortSignal): Promise<void> {
    await this.#cancel(await this.#startUpload(signal), signal);
  }

  async #cancel(location: string, signal?: AbortSignal): Promise<void> {
    const answer = await this.transport.request(location, { method: 'DELETE', signal }, 'upload cancel');
    await answer.discard();
  }

  async #startUpload(signal?: AbortSignal): Promise<string> {
    const answer = await this.transport.request(`${this.#base}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' }, signal }, `upload to ${this.name}`);
    await answer.discard();
    if (answer.response.status !== 202) throw await registryError(answer.response, `cannot start an upload to ${this.name}`);
    return this.#location(answer, answer.response.url);
  }

  #location(answer: TransportResponse, current: string): string {
    const location = answer.response.headers.get('location');
    if (!location) throw new RunnerError('internal', `registry ${this.transport.endpoint.registry} gave no upload location`);
    return new URL(location, current).href;
  }
}

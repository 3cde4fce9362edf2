import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { digestBytes } from '../src/distribution/file-digest.js';
import { MediaType } from '../src/store/model-artifact.js';
import { generatedModel, tinyArtifact } from './helpers/models.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';
import { buildTar, type TarEntry } from './helpers/tar-builder.js';
import { snapshotTree } from './helpers/tree-snapshot.js';

function manifestFor(layer: { digest: string; size: number }, config: { digest: string; size: number }): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.modelConfigV01, ...config },
    layers: [{ mediaType: MediaType.gguf, ...layer }],
  });
}

function blobEntry(bytes: Uint8Array): TarEntry {
  return { name: `blobs/sha256/${digestBytes(bytes).digest.slice(7)}`, content: bytes };
}

/** POSTs `size` bytes in 64 KiB chunks, with no Content-Length, until the runner answers; its status. */
function chunkedPostStatus(url: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('response', (response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    request.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const write = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', write);
          return;
        }
      }
      request.end();
    };
    write();
  });
}

describe('bad input leaves the store unchanged', () => {
  let runner: RunningRunner;
  let before: Record<string, string>;
  let gguf: Buffer;
  const config = Buffer.from(JSON.stringify({ config: { format: 'gguf' } }));

  beforeAll(async () => {
    runner = await startRunner();
    gguf = await readFile(await generatedModel());
    const artifact = await tinyArtifact();
    const archive = await buildTar([
      ...(await Promise.all(artifact.blobs.map(async (blob) => {
        const chunks: Buffer[] = [];
        for await (const chunk of blob.open()) chunks.push(Buffer.from(chunk));
        return blobEntry(Buffer.concat(chunks));
      }))),
      { name: 'manifest.json', content: artifact.manifest },
    ]);
    const loaded = await fetch(`${runner.url}/models/load`, { method: 'POST', body: archive });
    expect(loaded.status).toBe(200);
  });

  beforeEach(async () => {
    before = await snapshotTree(runner.modelsPath);
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  async function expectRefusedLoad(entries: TarEntry[] | Buffer, status: number, text: string): Promise<void> {
    const body = Buffer.isBuffer(entries) ? entries : await buildTar(entries);
    const response = await fetch(`${runner.url}/models/load`, { method: 'POST', body });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toContain(text);
    expect(await snapshotTree(runner.modelsPath)).toEqual(before);
  }

  it('refuses an archive entry that climbs out with ..', async () => {
    await expectRefusedLoad([blobEntry(config), { name: '../escape', content: 'x' }], 400, 'path traversal');
  });

  it('refuses an absolute entry path', async () => {
    await expectRefusedLoad([{ name: '/etc/evil', content: 'x' }], 400, 'absolute path');
  });

  it('refuses symlinks and hard links', async () => {
    await expectRefusedLoad([{ name: 'blobs/sha256/x', type: 'symlink', linkname: '/etc/passwd' }], 400, 'symlink');
    await expectRefusedLoad([{ name: 'manifest.json', type: 'link', linkname: '/etc/passwd' }], 400, 'link');
  });

  it('refuses a blob whose bytes do not match its name', async () => {
    const name = `blobs/sha256/${digestBytes(Buffer.from('something else')).digest.slice(7)}`;
    await expectRefusedLoad([blobEntry(config), { name, content: gguf }], 400, 'does not match its digest');
  });

  it('refuses a manifest that references a blob the archive lacks', async () => {
    const absent = gguf.subarray(0, 4096);
    const manifest = manifestFor(digestBytes(absent), digestBytes(config));
    await expectRefusedLoad([blobEntry(config), { name: 'manifest.json', content: manifest }], 400, 'is missing');
  });

  it('refuses a truncated GGUF', async () => {
    const truncated = gguf.subarray(0, gguf.byteLength - 1000);
    const manifest = manifestFor(digestBytes(truncated), digestBytes(config));
    await expectRefusedLoad([blobEntry(truncated), blobEntry(config), { name: 'manifest.json', content: manifest }], 400, 'GGUF');
  });

  it('refuses an unsupported config media type with 422', async () => {
    const manifest = JSON.parse(manifestFor(digestBytes(gguf), digestBytes(config)));
    manifest.config.mediaType = 'application/vnd.oci.image.config.v1+json';
    await expectRefusedLoad(
      [blobEntry(gguf), blobEntry(config), { name: 'manifest.json', content: JSON.stringify(manifest) }],
      422,
      'unsupported model config media type',
    );
  });

  it('refuses an archive without a manifest, a malformed manifest and bytes that are not a tar', async () => {
    await expectRefusedLoad([blobEntry(config)], 400, 'no manifest.json');
    await expectRefusedLoad([{ name: 'manifest.json', content: '{"schemaVersion":' }], 400, 'not valid JSON');
    await expectRefusedLoad(Buffer.alloc(4096, 7), 400, 'invalid model archive');
  });

  it('refuses an oversized manifest', async () => {
    await expectRefusedLoad([{ name: 'manifest.json', content: Buffer.alloc(4 * 1024 * 1024 + 1, 32) }], 400, 'larger than');
  });

  it.each([
    ['..%2Fetc%2Fpasswd', 400],
    ['ai/x%00y', 400],
    ['ai/x%20y', 400],
    ['ai/x:bad%20tag', 400],
    ['ai/absent', 404],
  ])('answers GET, DELETE and tag of %s with %i', async (reference, status) => {
    for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['POST', '/tag?repo=a&tag=b'], ['GET', '/export']] as const) {
      const response = await fetch(`${runner.url}/models/${reference}${suffix}`, { method });
      expect(response.status, `${method} ${suffix}`).toBe(status);
      expect((await response.text()).length).toBeGreaterThan(1);
    }
    expect(await snapshotTree(runner.modelsPath)).toEqual(before);
  });

  it('refuses malformed and oversized JSON bodies', async () => {
    const malformed = await fetch(`${runner.url}/models/create`, { method: 'POST', body: '{"from":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toBe('invalid request body: malformed JSON\n');
    const wrongType = await fetch(`${runner.url}/models/create`, { method: 'POST', body: '{"from":42}' });
    expect(wrongType.status).toBe(400);
    const huge = await fetch(`${runner.url}/models/create`, { method: 'POST', body: `{"from":"${'a'.repeat(11 * 1024 * 1024)}"}` });
    expect(huge.status).toBe(413);
    // Without a length, the body is read as it arrives and refused once past the limit.
    expect(await chunkedPostStatus(`${runner.url}/models/create`, 11 * 1024 * 1024)).toBe(413);
  });
});

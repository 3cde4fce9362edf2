import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../src/api/dmr-types.js';
import {
  OCI_MANIFEST,
  REF_NAME,
  bytesBlob,
  descriptorOf,
  readOciLayout,
  sha256,
  skopeoCopy,
  writeOciLayout,
  type LayoutBlob,
  type OciDescriptor,
} from './helpers/oci-layout.js';
import { generatedModel, tinyArtifact } from './helpers/models.js';
import { postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

const DOCKER_CONFIG = 'application/vnd.docker.ai.model.config.v0.1+json';
const MODELPACK_MANIFEST = 'application/vnd.cncf.model.manifest.v1+json';
const MODELPACK_CONFIG = 'application/vnd.cncf.model.config.v1+json';
const MODELPACK_GGUF = 'application/vnd.cncf.model.weight.v1.gguf';

/** The files of a `GET /models/{ref}/export` archive, by entry name. */
async function exportedFiles(runner: RunningRunner, ref: string): Promise<Map<string, Buffer>> {
  const response = await fetch(`${runner.url}/models/${ref}/export`);
  expect(response.status).toBe(200);
  const extract = tar.extract();
  const feeding = Readable.fromWeb(response.body as ReadableStream<Uint8Array>).pipe(extract);
  const files = new Map<string, Buffer>();
  for await (const entry of feeding) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
    if (entry.header.type === 'file') files.set(entry.header.name, Buffer.concat(chunks));
  }
  return files;
}

async function getJson<T>(runner: RunningRunner, path: string): Promise<T> {
  const response = await fetch(`${runner.url}${path}`);
  expect(response.status, `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

function manifestBytes(config: OciDescriptor, layers: OciDescriptor[], artifactType?: string): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, ...(artifactType ? { artifactType } : {}), config, layers }));
}

describe('interoperability with skopeo through a real registry', () => {
  let registry: RunningRegistry;
  let source: RunningRunner;
  let target: RunningRunner;
  let work: string;

  beforeAll(async () => {
    [registry, source, target, work] = await Promise.all([
      startRegistry(),
      runnerWithTinyModels(),
      startRunner(),
      mkdtemp(join(tmpdir(), 'skopeo-interop-')),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([
      source?.[Symbol.asyncDispose](),
      target?.[Symbol.asyncDispose](),
      registry?.stop(),
      work ? rm(work, { recursive: true, force: true }) : undefined,
    ]);
  });

  /** Lays an artifact out on disk and has skopeo push it to `<registry>/<repository>:v1`; returns the reference. */
  async function skopeoPush(repository: string, manifest: Uint8Array, blobs: readonly LayoutBlob[]): Promise<string> {
    const dir = join(work, repository.replaceAll('/', '-'));
    await writeOciLayout(dir, manifest, blobs, 'v1');
    const ref = `${registry.host}/${repository}:v1`;
    await skopeoCopy(`oci:${dir}:v1`, `docker://${ref}`, ['--dest-tls-verify=false']);
    return ref;
  }

  it('pushes a model that skopeo copies into an OCI layout with our digests, media types and bytes', async () => {
    const ref = `${registry.host}/interop/tiny:v1`;
    const tagged = await fetch(`${source.url}/models/ai/tiny/tag?repo=${registry.host}/interop/tiny&tag=v1`, { method: 'POST' });
    expect(tagged.status).toBe(201);
    const pushed = await postJson(source, `/models/${ref}/push`, {});
    expect(pushed.status).toBe(200);
    expect((await progressLines(pushed)).at(-1)).toMatchObject({ type: 'success', message: 'Model pushed successfully', mode: 'push' });

    const dir = join(work, 'pushed-by-runner');
    await skopeoCopy(`docker://${ref}`, `oci:${dir}:v1`, ['--src-tls-verify=false']);

    const { id } = await getJson<Model>(source, '/models/ai/tiny');
    const layout = await readOciLayout(dir);
    expect(layout.index.manifests).toEqual([expect.objectContaining({ mediaType: OCI_MANIFEST, digest: id, annotations: { [REF_NAME]: 'v1' } })]);
    const manifest = JSON.parse((await layout.readBlob(id)).toString()) as { config: OciDescriptor; layers: OciDescriptor[] };
    expect(manifest.config.mediaType).toBe(DOCKER_CONFIG);
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual(['application/vnd.docker.ai.gguf.v3']);

    const exported = await exportedFiles(source, 'ai/tiny');
    const exportedBlobs = [...exported.keys()].filter((name) => name.startsWith('blobs/sha256/')).map((name) => `sha256:${name.slice('blobs/sha256/'.length)}`);
    expect(layout.blobDigests.sort()).toEqual([...exportedBlobs, id].sort());
    for (const digest of layout.blobDigests) {
      const bytes = await layout.readBlob(digest);
      expect(sha256(bytes), `blob file ${digest}`).toBe(digest);
      const expected = digest === id ? exported.get('manifest.json') : exported.get(`blobs/sha256/${digest.slice('sha256:'.length)}`);
      expect(bytes.equals(expected!), `blob ${digest} equals the exported bytes`).toBe(true);
    }
  });

  it('pulls a model skopeo pushed, keeping the manifest digest as the id and the artifact config', async () => {
    const artifact = await tinyArtifact();
    const ref = await skopeoPush('interop/from-skopeo', artifact.manifest, artifact.blobs);
    const { config } = JSON.parse(Buffer.from(artifact.manifest).toString()) as { config: OciDescriptor };
    const configBlob = artifact.blobs.find((blob) => blob.digest === config.digest)!;
    const chunks: Uint8Array[] = [];
    for await (const chunk of configBlob.open()) chunks.push(chunk);
    const configFile = JSON.parse(Buffer.concat(chunks).toString()) as { config: Model['config'] };

    const pulled = await postJson(target, '/models/create', { from: ref });
    expect(pulled.status).toBe(200);
    expect((await progressLines(pulled)).at(-1)).toMatchObject({ type: 'success', message: 'Model pulled successfully', mode: 'pull' });
    const model = await getJson<Model>(target, `/models/${ref}`);
    expect(model).toMatchObject({ id: artifact.id, tags: [ref], created: Date.parse('2026-01-02T03:04:05Z') / 1000 });
    expect(model.config).toEqual(configFile.config);
  });

  it('pulls a CNCF ModelPack model skopeo pushed, reads its camelCase config and runs a completion on it', async () => {
    const gguf = await readFile(await generatedModel('tiny', 'q8_0'));
    const createdAt = '2026-02-03T04:05:06Z';
    const config = Buffer.from(
      JSON.stringify({
        descriptor: { createdAt, name: 'tiny-modelpack' },
        config: { architecture: 'llama', format: 'gguf', paramSize: '150K', quantization: 'Q8_0' },
        modelfs: { type: 'layers', diff_ids: [sha256(gguf)] },
      }),
    );
    const layer = descriptorOf(MODELPACK_GGUF, gguf, { 'org.cncf.model.filepath': 'tiny.gguf' });
    const manifest = manifestBytes(descriptorOf(MODELPACK_CONFIG, config), [layer], MODELPACK_MANIFEST);
    const ref = await skopeoPush('interop/modelpack', manifest, [bytesBlob(gguf), bytesBlob(config)]);

    const pulled = await postJson(target, '/models/create', { from: ref });
    expect(pulled.status).toBe(200);
    expect((await progressLines(pulled)).at(-1)).toMatchObject({ type: 'success', message: 'Model pulled successfully' });
    const model = await getJson<Model>(target, `/models/${ref}`);
    expect(model.id).toBe(sha256(manifest));
    expect(model.created).toBe(Date.parse(createdAt) / 1000);
    expect(model.config).toMatchObject({ format: 'gguf', architecture: 'llama', quantization: 'Q8_0', parameters: '150K' });

    const completion = await postJson(target, '/engines/v1/completions', { model: ref, prompt: 'hello', max_tokens: 3 });
    const body = await completion.text();
    expect(completion.status, body).toBe(200);
    const parsed = JSON.parse(body) as { object: string; choices: { index: number; text: string; finish_reason: string }[] };
    expect(parsed.choices).toEqual([expect.objectContaining({ index: 0, text: expect.any(String) })]);
  });

  it('refuses a plain container image skopeo pushed with 422 and leaves the model list unchanged', async () => {
    const layerTar = Buffer.alloc(1024); // an empty tar archive: two zero blocks
    const imageConfig = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] } }),
    );
    const manifest = manifestBytes(descriptorOf('application/vnd.oci.image.config.v1+json', imageConfig), [
      descriptorOf('application/vnd.oci.image.layer.v1.tar', layerTar),
    ]);
    const ref = await skopeoPush('interop/container-image', manifest, [bytesBlob(layerTar), bytesBlob(imageConfig)]);

    const before = await getJson<Model[]>(target, '/models');
    const refused = await postJson(target, '/models/create', { from: ref });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await refused.text()).toContain('unsupported model config media type');
    expect(await getJson<Model[]>(target, '/models')).toEqual(before);
  });
});

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRunnerContainer, TESTCONTAINERS_LABEL, type StartedModelRunnerContainer } from '../plugin/testcontainers/index.js';
import { forwardHeaders, forwardRequest } from './helpers/forward-request.js';
import { generatedModel } from './helpers/models.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { npmRun } from './helpers/run-command.js';
import { BUILD_TIMEOUT_MS, TEST_IMAGE, buildTestImage, docker, engineDown } from './helpers/runner-image.js';

// Testcontainers' reaper is an image on Docker Hub, which these tests never reach; they stop what they start.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const down = await engineDown();
if (down) console.warn(`Testcontainers module tests skipped: \`docker info\` failed (${down})`);

const INSECURE = { INSECURE_REGISTRY: 'true' };
/** Far below a retried failure (1+2+4+8 s of backoff) or a start-up timeout (60 s). */
const FAST_MS = 20_000;

/** Containers of this module, by id and by label: empty when none is left. */
async function leftovers(id?: string): Promise<string> {
  const byId = id ? await docker('ps', '-aq', '--filter', `id=${id}`) : '';
  return `${byId}${await docker('ps', '-aq', '--filter', `label=${TESTCONTAINERS_LABEL}`)}`;
}

/** The container's volume and bind mounts, and its tmpfs mounts, which Docker lists apart. */
async function mountsOf(runner: StartedModelRunnerContainer): Promise<{ mounts: Array<{ Type: string; Name?: string; Destination: string }>; tmpfs: Record<string, string> | null }> {
  return JSON.parse(await docker('inspect', '--format', '{"mounts":{{json .Mounts}},"tmpfs":{{json .HostConfig.Tmpfs}}}', runner.getId())) as never;
}

async function chat(runner: StartedModelRunnerContainer, model = runner.getModel()): Promise<string> {
  const openai = new OpenAI({ baseURL: runner.getOpenAIEndpoint(), apiKey: 'unused' });
  const reply = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8 });
  return reply.choices[0]?.message.content ?? '';
}

async function embed(runner: StartedModelRunnerContainer, model: string): Promise<number[]> {
  const openai = new OpenAI({ baseURL: runner.getOpenAIEndpoint(), apiKey: 'unused' });
  return (await openai.embeddings.create({ model, input: 'Hello' })).data[0]?.embedding ?? [];
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * A front for the registry, reachable from containers, that sends blobs slowly (16 KiB every
 * 100 ms), so pulls started together are still writing when the other one writes.
 */
async function startSlowFront(registryUrl: string): Promise<Server> {
  const server = createServer((req, res) => {
    const upstreamRequest = forwardRequest(req, new URL(registryUrl));
    upstreamRequest.once('response', async (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, forwardHeaders(upstream.headers));
      for await (const chunk of upstream as AsyncIterable<Buffer>) {
        for (let offset = 0; offset < chunk.length; offset += 16_384) {
          res.write(chunk.subarray(offset, offset + 16_384));
          if (req.url?.includes('/blobs/')) await sleep(100);
        }
      }
      res.end();
    });
    upstreamRequest.once('error', () => res.destroy());
    req.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return server;
}

/** How long `start` takes to settle, and its rejection. */
async function failedStart(container: ModelRunnerContainer): Promise<{ error: Error; ms: number }> {
  const began = Date.now();
  const error = await container.start().then(
    async (runner) => {
      await runner.stop();
      throw new Error('start() succeeded');
    },
    (reason: Error) => reason,
  );
  return { error, ms: Date.now() - began };
}

describe.skipIf(down !== undefined)('the Testcontainers module (model-runner/testcontainers) on a real Engine and registry', () => {
  let registry: RunningRegistry;
  let privateRegistry: RunningRegistry;
  let chatModel: string;
  let embedModel: string;
  let privateModel: string;
  const dirs: string[] = [];
  const volume = `model-runner-testcontainers-${process.pid}`;

  async function tempDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  }

  /** A Docker config dir holding one registry's credentials, made the one the module reads. */
  async function useDockerConfig(auths: Record<string, { username: string; password: string }>): Promise<void> {
    const dir = await tempDir('testcontainers-docker-config-');
    const entries = Object.fromEntries(Object.entries(auths).map(([host, { username, password }]) => [host, { auth: Buffer.from(`${username}:${password}`).toString('base64') }]));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: entries }));
    process.env.DOCKER_CONFIG = dir;
  }

  beforeAll(async () => {
    await buildTestImage();
    // On every address, so runner containers reach them at the bridge gateway.
    [registry, privateRegistry] = await Promise.all([startRegistry({ listen: '0.0.0.0' }), startRegistry({ listen: '0.0.0.0', auth: 'htpasswd' })]);
    const gateway = (host: string) => `172.17.0.1:${host.split(':')[1]}`;
    chatModel = `${gateway(registry.host)}/ai/tiny`;
    embedModel = `${gateway(registry.host)}/ai/tiny-embed`;
    privateModel = `${gateway(privateRegistry.host)}/team/tiny`;
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--push', `${registry.host}/ai/tiny`]);
    await npmRun('package', ['--gguf', await generatedModel('tiny-embed', 'q8_0'), '--push', `${registry.host}/ai/tiny-embed`]);
    await useDockerConfig({ [privateRegistry.host]: privateRegistry.credentials! });
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--push', `${privateRegistry.host}/team/tiny`], { DOCKER_CONFIG: process.env.DOCKER_CONFIG! });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await registry?.stop();
    await privateRegistry?.stop();
    await docker('volume', 'rm', '-f', volume).catch(() => undefined);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('pulls its models at start, serves chat and embeddings to the OpenAI client, and stop() leaves nothing behind', async () => {
    await useDockerConfig({});
    const runner = await new ModelRunnerContainer(TEST_IMAGE).withModel(chatModel).withModel(embedModel).withContextSize(1024).withEnvironment(INSECURE).start();
    try {
      expect(runner.getModel()).toBe(chatModel);
      expect(runner.getOpenAIEndpoint()).toBe(`${runner.getBaseUrl()}/engines/v1`);
      expect(await chat(runner)).not.toBe('');
      expect((await embed(runner, embedModel)).length).toBeGreaterThan(0);
      const configured = (await (await fetch(`${runner.getBaseUrl()}/engines/_configure?model=${encodeURIComponent(chatModel)}`)).json()) as Array<{ Config: Record<string, unknown> }>;
      expect(configured[0]?.Config['context-size']).toBe(1024);
      // The store is the container's own tmpfs: no volume, anonymous or named, to leave behind.
      const { mounts, tmpfs } = await mountsOf(runner);
      expect(mounts).toEqual([]);
      expect(tmpfs?.['/models']).toMatch(/^rw,uid=\d+,gid=\d+$/);
    } finally {
      await runner.stop();
    }
    expect(await leftovers(runner.getId())).toBe('');
  }, 120_000);

  it("pulls from a private registry with the user's credentials, and fails fast with the registry's answer to wrong ones", async () => {
    await useDockerConfig({ [privateModel.split('/')[0]!]: privateRegistry.credentials! });
    const runner = await new ModelRunnerContainer(TEST_IMAGE).withModel(privateModel).withEnvironment(INSECURE).start();
    try {
      const file = await runner.exec(['stat', '-c', '%U %a', '/home/modelrunner/.docker/config.json']);
      expect(file.stdout.trim()).toBe('modelrunner 600');
      expect(await chat(runner)).not.toBe('');
    } finally {
      await runner.stop();
    }
    await useDockerConfig({ [privateModel.split('/')[0]!]: { username: privateRegistry.credentials!.username, password: 'wrong' } });
    const { error, ms } = await failedStart(new ModelRunnerContainer(TEST_IMAGE).withModel(privateModel).withEnvironment(INSECURE));
    expect(error.message).toMatch(/failed with status 401 Unauthorized: .*(unauthorized|authentication required)/i);
    expect(ms).toBeLessThan(FAST_MS);
    expect(await leftovers()).toBe('');
  }, 120_000);

  it('lets two containers pull one model into a shared directory at once; a third finds it once, intact, and chats', async () => {
    await useDockerConfig({});
    const dir = await tempDir('testcontainers-models-');
    // The runner writes as its own user; this directory is root's.
    await chmod(dir, 0o777);
    const front = await startSlowFront(registry.url);
    const model = `172.17.0.1:${(front.address() as AddressInfo).port}/ai/tiny`;
    const shared = () => new ModelRunnerContainer(TEST_IMAGE).withModelsFrom(dir).withEnvironment(INSECURE);
    try {
      const pair = await Promise.allSettled([shared().withModel(model).start(), shared().withModel(model).start()]);
      const started = pair.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      try {
        expect(pair.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started'))).toEqual(['started', 'started']);
        for (const runner of started) expect(await chat(runner)).not.toBe('');
      } finally {
        await Promise.all(started.map((runner) => runner.stop()));
      }
    } finally {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    }
    const index = JSON.parse(await readFile(join(dir, 'models.json'), 'utf8')) as { models: Array<{ tags: string[] }> };
    expect(index.models).toEqual([expect.objectContaining({ tags: [`${model}:latest`] })]);
    const blobs = await readdir(join(dir, 'blobs', 'sha256'));
    expect(blobs.length).toBeGreaterThan(0);
    for (const blob of blobs) expect(await sha256File(join(dir, 'blobs', 'sha256', blob))).toBe(blob);
    // `.locks` stays: stop() kills the runners, and the next runner on the store clears their locks.
    expect((await readdir(dir)).filter((name) => name.startsWith('.') && name !== '.locks')).toEqual([]);

    const third = await shared().start();
    try {
      const listed = (await (await fetch(`${third.getBaseUrl()}/models`)).json()) as Array<{ tags: string[] }>;
      expect(listed.map((entry) => entry.tags)).toEqual([[`${model}:latest`]]);
      expect(await chat(third, model)).not.toBe('');
    } finally {
      await third.stop();
    }
    expect(await leftovers()).toBe('');
  }, 180_000);

  it('keeps models in a named volume between containers, so the next start downloads nothing', async () => {
    await useDockerConfig({});
    const blobFetches = () => registry.accessLog.filter((line) => /"GET \/v2\/\S+\/blobs\//.test(line)).length;
    const first = await new ModelRunnerContainer(TEST_IMAGE).withModelsFrom(volume).withModel(embedModel).withEnvironment(INSECURE).start();
    await first.stop();
    const fetched = blobFetches();
    expect(fetched).toBeGreaterThan(0);
    const second = await new ModelRunnerContainer(TEST_IMAGE).withModelsFrom(volume).withModel(embedModel).withEnvironment(INSECURE).start();
    try {
      expect(blobFetches()).toBe(fetched);
      expect((await mountsOf(second)).mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: volume, Destination: '/models' })]);
      expect((await embed(second, embedModel)).length).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
    // stop() removes anonymous volumes only: the cache stays for the next job.
    expect(await docker('volume', 'ls', '-q', '--filter', `name=^${volume}$`)).toBe(volume);
    expect(await leftovers()).toBe('');
  }, 120_000);

  it('rejects fast and leaves no container for a model the registry lacks, a missing image, or an unusable models source', async () => {
    await useDockerConfig({});
    const missing = await failedStart(new ModelRunnerContainer(TEST_IMAGE).withModel(chatModel.replace('/ai/tiny', '/ai/absent')).withEnvironment(INSECURE));
    expect(missing.error.message).toMatch(/pulling \S+\/ai\/absent failed with status 404 Not Found: .*(not found|unknown)/i);
    expect(missing.ms).toBeLessThan(FAST_MS);

    const image = 'model-runner:never-built';
    const noImage = await failedStart(new ModelRunnerContainer(image).withModel(chatModel));
    expect(noImage.error.message).toBe(`the runner image ${image} is not on this Docker Engine: build it with "npm run image" (this module never pulls it)`);
    expect(noImage.ms).toBeLessThan(FAST_MS);
    // Never pulled, from Docker Hub or elsewhere.
    await expect(docker('image', 'inspect', image)).rejects.toThrow(/No such image/);

    const noDir = await failedStart(new ModelRunnerContainer(TEST_IMAGE).withModelsFrom(join(tmpdir(), `absent-${process.pid}`)).withModel(chatModel));
    expect(noDir.error.message).toMatch(/did not start: .*bind source path does not exist/);
    expect(() => new ModelRunnerContainer(TEST_IMAGE).withModelsFrom('relative/models')).toThrow(/takes a volume name or an absolute host directory/);
    expect(await leftovers()).toBe('');
  }, 120_000);
});

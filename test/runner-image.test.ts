import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageInfo } from '../src/shared/package-root.js';
import { generatedModel } from './helpers/models.js';
import { npmRun } from './helpers/run-command.js';
import { BUILD_TIMEOUT_MS, buildTestImage, docker, engineDown, TEST_IMAGE as IMAGE } from './helpers/runner-image.js';

const down = await engineDown();
if (down) console.warn(`runner image tests skipped: \`docker info\` failed (${down}); scripts/docker-engine.sh starts an engine`);

/** Starts the image on a free loopback port; a 1 s health interval so `healthy` comes in seconds. */
async function startContainer(): Promise<{ id: string; url: string }> {
  const id = await docker('run', '-d', '--pull', 'never', '-p', '127.0.0.1:0:12434', '--health-interval', '1s', IMAGE);
  const hostPort = (await docker('port', id, '12434/tcp')).split('\n')[0]!;
  return { id, url: `http://${hostPort}` };
}

async function waitHealthy(id: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await docker('inspect', '--format', '{{.State.Status}} {{.State.Health.Status}}', id);
    if (state === 'running healthy') return;
    if (!state.startsWith('running') || state.endsWith('unhealthy') || Date.now() > deadline) {
      throw new Error(`container ${id} is "${state}"; its log:\n${await docker('logs', '--tail', '30', id)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function removeContainer(id: string | undefined): Promise<void> {
  // -v: the anonymous /models volume goes with the container.
  if (id) await docker('rm', '-f', '-v', id);
}

describe.skipIf(down !== undefined)('the CPU runner image', () => {
  let runner: { id: string; url: string } | undefined;

  beforeAll(async () => {
    await buildTestImage();
    runner = await startContainer();
    await waitHealthy(runner.id);
  }, BUILD_TIMEOUT_MS);

  afterAll(() => removeContainer(runner?.id));

  it('runs the runner as the unprivileged modelrunner user', async () => {
    expect(await docker('exec', runner!.id, 'id', '-un')).toBe('modelrunner');
    expect(await docker('exec', runner!.id, 'id', '-u')).not.toBe('0');
  });

  it('describes itself with OCI labels and declares its port, volume, settings and health check', async () => {
    const [image] = JSON.parse(await docker('image', 'inspect', IMAGE)) as [{ Config: ImageConfig }];
    expect(image.Config.Labels).toMatchObject({
      'org.opencontainers.image.title': 'model-runner',
      'org.opencontainers.image.version': packageInfo().version.slice(1),
      'org.opencontainers.image.licenses': 'Apache-2.0',
    });
    expect(Object.keys(image.Config.Volumes)).toEqual(['/models']);
    expect(Object.keys(image.Config.ExposedPorts)).toEqual(['12434/tcp']);
    expect(image.Config.Env).toEqual(
      expect.arrayContaining(['MODELS_PATH=/models', 'MODEL_RUNNER_BIND=0.0.0.0', 'MODEL_RUNNER_PORT=12434', 'MODEL_RUNNER_SOCK=']),
    );
    expect(image.Config.User).toBe('modelrunner');
    expect(image.Config.Healthcheck.Test[0]).toBe('CMD');
  });

  it("carries node-llama-cpp's prebuilt binaries for its own platform only", async () => {
    const packages = await docker('exec', runner!.id, 'ls', 'node_modules/@node-llama-cpp');
    expect(packages.split('\n')).toEqual([`linux-${process.arch}`]);
  });

  it('answers on the published port', async () => {
    const root = await fetch(`${runner!.url}/`);
    expect(await root.text()).toBe('Docker Model Runner is running');
    const models = await fetch(`${runner!.url}/models`);
    expect(models.status).toBe(200);
    expect(Array.isArray(await models.json())).toBe(true);
  });

  it('serves a chat completion from a model packaged into its /models volume', async () => {
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--context-size', '512', 'ai/tiny'], { MODEL_RUNNER_HOST: runner!.url });
    const response = await fetch(`${runner!.url}/engines/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'ai/tiny', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 4 }),
    });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: { message: { content: string } }[]; usage: { completion_tokens: number } };
    expect(completion.usage.completion_tokens).toBeGreaterThan(0);
    expect(typeof completion.choices[0]!.message.content).toBe('string');
    const mounts = JSON.parse(await docker('inspect', '--format', '{{json .Mounts}}', runner!.id)) as { Type: string; Destination: string }[];
    expect(mounts).toEqual([expect.objectContaining({ Type: 'volume', Destination: '/models' })]);
    expect(await docker('exec', runner!.id, 'ls', '/models/blobs/sha256')).not.toBe('');
  });

  it('exits 0 on docker stop, well within the stop timeout', async () => {
    // A container of its own: the runner is PID 1 here, so SIGTERM reaches main.ts's handler directly.
    const { id } = await startContainer();
    try {
      await waitHealthy(id);
      const started = Date.now();
      await docker('stop', '--time', '10', id);
      expect(Date.now() - started).toBeLessThan(9_000);
      expect(await docker('inspect', '--format', '{{.State.ExitCode}}', id)).toBe('0');
    } finally {
      await removeContainer(id);
    }
  });
});

interface ImageConfig {
  Labels: Record<string, string>;
  Volumes: Record<string, unknown>;
  ExposedPorts: Record<string, unknown>;
  Env: string[];
  User: string;
  Healthcheck: { Test: string[] };
}

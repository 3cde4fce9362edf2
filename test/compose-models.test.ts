import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeV1Bin } from './helpers/compose-v1.js';
import { dockerModel, pluginConfigDir } from './helpers/docker-model.js';
import { freePort } from './helpers/free-port.js';
import { generatedModel } from './helpers/models.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { type CommandResult, npmRun, runCommand } from './helpers/run-command.js';
import { lockRunnerContainer } from './helpers/runner-container-lock.js';
import { BUILD_TIMEOUT_MS, buildTestImage, docker, engineDown, localBaseImage } from './helpers/runner-image.js';
import { repoRoot } from './helpers/runner-process.js';

/** Compose 2.38 is the first with `models:`; scripts/compose-v2.sh installs 2.40.3. */
async function composeWithModels(): Promise<string | undefined> {
  const version = await docker('compose', 'version', '--short').catch(() => '');
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 38) ? undefined : `docker compose is "${version || 'missing'}"; scripts/compose-v2.sh installs 2.40.3`;
}

const down = (await engineDown()) ?? (await composeWithModels());
if (down) console.warn(`Compose model tests skipped: ${down}`);
const APP_IMAGE = 'model-runner-example-app';

/** `docker compose` on an example project, with the plugin's config dir; never throws. */
function compose(example: string, project: string, args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runCommand('docker', ['compose', '-f', join(repoRoot, 'compose', example, 'compose.yaml'), '-p', project, ...args], env);
}

/** What a project leaves on the daemon: its containers and networks. */
async function leftovers(project: string): Promise<string> {
  const label = `label=com.docker.compose.project=${project}`;
  return `${await docker('ps', '-a', '--format', '{{.Names}}', '--filter', label)}${await docker('network', 'ls', '--format', '{{.Name}}', '--filter', label)}`;
}

describe.skipIf(down !== undefined)('docker compose up with models, through our plugin and the runner container', () => {
  let release: (() => Promise<void>) | undefined;
  let registry: RunningRegistry;
  let configDir: string;
  let env: Record<string, string>;
  const projects: string[] = [];

  /** Brings an example up until its app exits, then down; returns what `up` printed. */
  async function upAndDown(example: string, extra: Record<string, string> = {}): Promise<CommandResult> {
    const project = `mr-${example}-${process.pid}`;
    projects.push(project);
    const up = await compose(example, project, ['up', '--abort-on-container-exit', '--exit-code-from', 'app'], { ...env, ...extra });
    const removed = await compose(example, project, ['down'], { ...env, ...extra });
    expect(removed.code, removed.stderr).toBe(0);
    expect(await leftovers(project), `${removed.stdout}${removed.stderr}`).toBe('');
    return up;
  }

  beforeAll(async () => {
    release = await lockRunnerContainer();
    const [image, base] = await Promise.all([buildTestImage(), localBaseImage()]);
    await docker('build', '--pull=false', '-q', '-t', APP_IMAGE, '--build-arg', `BASE_IMAGE=${base}`, join(repoRoot, 'compose', 'app'));
    // On every address, so the runner container reaches it at the bridge gateway.
    registry = await startRegistry({ listen: '0.0.0.0' });
    const port = registry.host.split(':')[1];
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--context-size', '2048', '--push', `${registry.host}/ai/tiny`]);
    await npmRun('package', ['--gguf', await generatedModel('tiny-embed', 'q8_0'), '--push', `${registry.host}/ai/tiny-embed`]);
    configDir = await pluginConfigDir();
    const installed = await dockerModel(configDir, ['install-runner', '--port', String(await freePort('0.0.0.0'))], { MODEL_RUNNER_IMAGE: image, INSECURE_REGISTRY: 'true' });
    expect(installed.code, installed.stderr).toBe(0);
    env = { DOCKER_CONFIG: configDir, BASE_IMAGE: base, CHAT_MODEL: `172.17.0.1:${port}/ai/tiny`, EMBED_MODEL: `172.17.0.1:${port}/ai/tiny-embed` };
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    for (const project of projects) await docker('compose', '-p', project, 'down').catch(() => undefined);
    if (configDir) {
      await dockerModel(configDir, ['uninstall-runner', '--models']);
      await rm(configDir, { recursive: true, force: true });
    }
    await registry?.stop();
    await release?.();
  });

  it('pulls the model of a `models:` section and the service gets a completion at LLM_URL', async () => {
    const up = await upAndDown('chat');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`app-1 +\\| chat ${env.CHAT_MODEL} 200 "`));
  });

  it('serves two models to one service, long syntax, keys with - and ., context size and runtime flags', async () => {
    const up = await upAndDown('embeddings-chat');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/\| embed \S+ai\/tiny-embed 200 \d+ dimensions/);
    expect(up.stdout).toMatch(/\| chat \S+ai\/tiny 200 "/);
  });

  it('provides a model through a provider service: AI_RUNNER_URL and AI_RUNNER_MODEL', async () => {
    const up = await upAndDown('provider');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/\| chat \S+ai\/tiny 200 "/);
  });

  it('answers a file written for Desktop at http://model-runner.docker.internal:12434/', async () => {
    expect((await dockerModel(configDir, ['pull', env.CHAT_MODEL!])).code).toBe(0);
    const up = await upAndDown('desktop-style');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/\| chat \S+ai\/tiny 200 "/);
  });

  it('brings every example up with Compose 1.29 through the transformer, and down again', async () => {
    const v1 = { MODEL_RUNNER_COMPOSE: join(await composeV1Bin(), 'docker-compose') };
    for (const example of ['chat', 'embeddings-chat', 'provider', 'desktop-style']) {
      const project = `mr-v1-${example}-${process.pid}`;
      projects.push(project);
      const file = join(repoRoot, 'compose', example, 'compose.yaml');
      const up = await dockerModel(configDir, ['compose', 'up', '-f', file, '--', '-p', project, 'up', '--abort-on-container-exit', '--exit-code-from', 'app'], { ...env, ...v1 });
      expect(up.code, `${example}: ${up.stdout}${up.stderr}`).toBe(0);
      // 1.29 colours its log prefixes even into a pipe.
      expect(up.stdout.replace(/\x1b\[[0-9;]*m/g, ''), example).toMatch(/\| chat \S+ai\/tiny 200 "/);
      const removed = await dockerModel(configDir, ['compose', 'down', '-f', file, '--', '-p', project, 'down'], { ...env, ...v1 });
      expect(removed.code, removed.stderr).toBe(0);
      expect(await leftovers(project)).toBe('');
    }
  });

  it('shows why a model cannot be pulled, and starts nothing', async () => {
    const missing = env.CHAT_MODEL!.replace('/ai/tiny', '/ai/missing');
    for (const example of ['chat', 'provider']) {
      const up = await upAndDown(example, { CHAT_MODEL: missing });
      expect(up.code).not.toBe(0);
      expect(up.stdout + up.stderr).toMatch(/Failed to pull model: [^\n]*(not found|404|MANIFEST_UNKNOWN)/i);
      expect(up.stdout).not.toMatch(/\| chat /);
    }
  });
});

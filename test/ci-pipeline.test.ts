import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedModel } from './helpers/models.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { type CommandResult, npmRun, runCommand } from './helpers/run-command.js';
import { lockRunnerContainer } from './helpers/runner-container-lock.js';
import { BUILD_TIMEOUT_MS, buildTestImage, docker, engineDown } from './helpers/runner-image.js';
import { repoRoot } from './helpers/runner-process.js';

const down = await engineDown();
if (down) console.warn(`CI pipeline tests skipped: \`docker info\` failed (${down})`);

/** compose/ci/pipeline.sh as a CI job runs it, in a Docker config dir of its own; never throws. */
function pipeline(env: Record<string, string>): Promise<CommandResult> {
  return runCommand('bash', [join(repoRoot, 'compose', 'ci', 'pipeline.sh')], env);
}

/** Everything of the runner on the daemon: its containers and model volumes, by DMR's labels. */
async function runnerLeftovers(): Promise<string> {
  return `${await docker('ps', '-aq', '--filter', 'label=com.docker.desktop.service')}${await docker('volume', 'ls', '-q', '--filter', 'label=com.docker.model-runner.role=model-storage')}`;
}

describe.skipIf(down !== undefined)('a CI pipeline with an ephemeral runner and a private registry (compose/ci/pipeline.sh)', () => {
  let release: (() => Promise<void>) | undefined;
  let registry: RunningRegistry;
  let image: string;
  let certsDir: string;
  let model: string;
  const dirs: string[] = [];

  /** A fresh Docker config dir, as a CI machine starts with. */
  async function configDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'ci-docker-config-'));
    dirs.push(dir);
    return dir;
  }

  beforeAll(async () => {
    release = await lockRunnerContainer();
    image = await buildTestImage();
    // The team's registry: HTTPS with a CA of its own, a password, reached by the runner container at the bridge gateway.
    registry = await startRegistry({ listen: '0.0.0.0', tls: true, auth: 'htpasswd' });
    const address = `172.17.0.1:${registry.host.split(':')[1]}`;
    // The daemon trusts the registry's CA for `docker login` (certs.d is read per request; no restart).
    certsDir = join('/etc/docker/certs.d', address);
    await mkdir(certsDir, { recursive: true });
    await writeFile(join(certsDir, 'ca.crt'), await readFile(registry.caPath!));
    model = `${address}/team/tiny:v1`;
    const publisher = await configDir();
    const { username, password } = registry.credentials!;
    await writeFile(join(publisher, 'config.json'), JSON.stringify({ auths: { [address]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }));
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--context-size', '512', '--push', model], { DOCKER_CONFIG: publisher, NODE_EXTRA_CA_CERTS: registry.caPath! });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await registry?.stop();
    if (certsDir) await rm(certsDir, { recursive: true, force: true });
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await release?.();
  });

  const settings = async (overrides: Record<string, string> = {}) => ({
    DOCKER_CONFIG: await configDir(),
    MODEL: model,
    REGISTRY_USER: registry.credentials!.username,
    REGISTRY_PASSWORD: registry.credentials!.password,
    RUNNER_PROXY_CERT: registry.caPath!,
    MODEL_RUNNER_IMAGE: image,
    ...overrides,
  });

  it("logs in, starts a throw-away runner, pulls the model, runs the application's tests, and leaves nothing behind", async () => {
    const [networks, volumes] = [await docker('network', 'ls', '-q'), await docker('volume', 'ls', '-q')];
    const run = await pipeline(await settings());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Login Succeeded');
    expect(run.stdout).toContain('Model pulled successfully');
    expect(run.stdout).toMatch(/^# pass 1$/m);
    expect(run.stdout).toMatch(/^# fail 0$/m);
    expect(await runnerLeftovers()).toBe('');
    expect(await docker('network', 'ls', '-q')).toBe(networks);
    expect(await docker('volume', 'ls', '-q')).toBe(volumes);
  });

  it('fails fast with the reason and cleans up: a wrong password, a model the registry lacks, a missing runner image', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ REGISTRY_PASSWORD: 'wrong' }, /unauthorized|incorrect username or password/i],
      [{ MODEL: model.replace('team/tiny', 'team/absent') }, /Failed to pull model: [^\n]*(not found|MANIFEST_UNKNOWN|NAME_UNKNOWN)/i],
      [{ MODEL_RUNNER_IMAGE: 'model-runner:never-built' }, /the runner image model-runner:never-built is not on this Docker Engine: build it with "npm run image"/],
    ];
    for (const [overrides, reason] of cases) {
      const run = await pipeline(await settings(overrides));
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).toMatch(reason);
      expect(await runnerLeftovers()).toBe('');
    }
  });
});

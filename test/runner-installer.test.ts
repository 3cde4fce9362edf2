import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker } from '../src/docker/docker-connection.js';
import { RunnerInstaller, type InstallOptions } from '../src/docker/runner-installer.js';
import { isRunnerError } from '../src/shared/errors.js';
import { freePort } from './helpers/free-port.js';
import { generatedModel } from './helpers/models.js';
import { dockerModel, pluginConfigDir } from './helpers/docker-model.js';
import { npmRun } from './helpers/run-command.js';
import { lockRunnerContainer } from './helpers/runner-container-lock.js';
import { startRegistry } from './helpers/registry-server.js';
import { repoRoot } from './helpers/runner-process.js';
import { runnerDockerConfig } from '../plugin/runner-docker-config.js';
import { BUILD_TIMEOUT_MS, buildTestImage, docker, engineDown, localBaseImage } from './helpers/runner-image.js';

const DOCKER_HOST = 'unix:///var/run/docker.sock';
const execFileAsync = promisify(execFile);
const down = await engineDown();
// The installer owns DMR's fixed names: other test files that install the runner wait their turn,
// and a runner someone installed here by hand is left alone.
const release = down ? undefined : await lockRunnerContainer();
const occupied = down ? undefined : await docker('ps', '-aq', '--filter', 'name=^docker-model-runner$');
if (occupied) await release?.();
if (down) console.warn(`runner installer tests skipped: \`docker info\` failed (${down}); scripts/docker-engine.sh starts an engine`);
if (occupied) console.warn('runner installer tests skipped: a docker-model-runner container already exists here');

interface Inspected {
  Name: string;
  Config: { Labels: Record<string, string>; Env: string[] };
  HostConfig: { RestartPolicy: { Name: string }; PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> };
  Mounts: Array<{ Type: string; Name?: string; Destination: string }>;
}

async function inspectRunner(): Promise<Inspected> {
  return (JSON.parse(await docker('inspect', 'docker-model-runner')) as [Inspected])[0];
}

const chat = { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 };

/**
 * A one-off container that POSTs a chat to `url` with Node's fetch and prints the status. A name
 * that does not resolve yet is tried again for up to `waitForNameMs`, as a service retries at start.
 */
async function chatFromContainer(url: string, flags: string[], waitForNameMs = 0): Promise<string> {
  const script = `
    const deadline = Date.now() + ${waitForNameMs};
    const post = () => fetch(${JSON.stringify(url)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(chat))} });
    const attempt = () => post().then((r) => console.log(r.status), (e) => {
      const code = e.cause?.code ?? e.message;
      if (code === 'ENOTFOUND' && Date.now() < deadline) return new Promise((r) => setTimeout(r, 100)).then(attempt);
      console.log('failed', code);
    });
    attempt();`;
  return docker('run', '--rm', '--pull', 'never', ...flags, await localBaseImage(), 'node', '-e', script);
}

/** A network as Compose labels it, so the alias relay treats it as a project's. */
async function composeNetwork(name: string, ...labels: string[]): Promise<void> {
  await docker('network', 'create', '--label', `com.docker.compose.project=${name}`, '--label', 'com.docker.compose.network=default', ...labels.flatMap((label) => ['--label', label]), name);
}

/** Calls the runner's published port on loopback until stopped; counts the calls that failed. */
function pollPublishedPort(port: number): { stop(): Promise<{ calls: number; failures: number }> } {
  let running = true;
  let calls = 0;
  let failures = 0;
  const loop = (async () => {
    while (running) {
      calls++;
      const ok = await fetch(`http://127.0.0.1:${port}/models`).then((response) => response.ok, () => false);
      if (!ok) failures++;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { calls, failures };
    },
  };
}

/** Names of the containers attached to a network. */
async function attached(network: string): Promise<string[]> {
  const [info] = JSON.parse(await docker('network', 'inspect', network)) as [{ Containers: Record<string, { Name: string }> }];
  return Object.values(info.Containers).map((container) => container.Name);
}

describe.skipIf(down !== undefined || Boolean(occupied))('installing the runner container on Docker Engine', () => {
  let installer: RunnerInstaller;
  let options: InstallOptions;
  let configDir: string;
  const networks: string[] = [];

  beforeAll(async () => {
    installer = new RunnerInstaller(await connectDocker(DOCKER_HOST));
    configDir = await pluginConfigDir();
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ auths: { 'localhost:5000': { auth: Buffer.from('u:p').toString('base64') } } }));
    // Free on every address, so both bindings (loopback and the bridge gateway) can take it.
    options = { image: await buildTestImage(), port: await freePort('0.0.0.0'), dockerConfig: () => runnerDockerConfig(configDir), aliasSocket: '/var/run/docker.sock' };
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await installer?.uninstall({ models: true });
    for (const network of networks) await docker('network', 'rm', network).catch(() => undefined);
    await rm(configDir, { recursive: true, force: true });
    await release?.();
  });

  it("creates DMR's container, volume, labels and port bindings through `docker model install-runner`, and waits until it serves", async () => {
    const port = String(options.port);
    const { stdout, code } = await dockerModel(configDir, ['install-runner', '--port', port], { MODEL_RUNNER_IMAGE: options.image });
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Starting model runner container docker-model-runner...\nModel Runner container docker-model-runner \\([0-9a-f]{12}\\) is running at http://127.0.0.1:${port}\nContainers reach it at http://172.17.0.1:${port}/engines/v1/\n$`));
    expect((await fetch(`http://127.0.0.1:${port}/models`)).status).toBe(200);
    const runner = await inspectRunner();
    expect(runner.Name).toBe('/docker-model-runner');
    expect(runner.Config.Labels).toMatchObject({ 'com.docker.desktop.service': 'model-runner', 'com.docker.model-runner.role': 'controller' });
    expect(runner.Config.Env).toEqual(expect.arrayContaining([`MODEL_RUNNER_PORT=${port}`, 'MODEL_RUNNER_ENVIRONMENT=moby']));
    expect(runner.HostConfig.RestartPolicy.Name).toBe('always');
    expect(runner.HostConfig.PortBindings[`${port}/tcp`]).toEqual([
      { HostIp: '127.0.0.1', HostPort: port },
      { HostIp: '172.17.0.1', HostPort: port },
    ]);
    expect(runner.Mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: 'docker-model-runner-models', Destination: '/models' })]);
    expect(JSON.parse(await docker('volume', 'inspect', 'docker-model-runner-models'))[0].Labels).toEqual({
      'com.docker.desktop.service': 'model-runner',
      'com.docker.model-runner.role': 'model-storage',
    });
    expect(await docker('exec', 'docker-model-runner', 'stat', '-c', '%U %a', '/home/modelrunner/.docker/config.json')).toBe('modelrunner 600');
  });

  it('leaves a running runner as it is when asked to install again', async () => {
    const before = await inspectRunner();
    const again = await installer.install(options);
    expect(again.created).toBe(false);
    expect((await inspectRunner()).Name).toBe(before.Name);
  });

  it('serves containers on the default bridge at the gateway, and on a user network as model-runner.docker.internal', async () => {
    await npmRun('package', ['--gguf', await generatedModel(), '--context-size', '512', 'ai/tiny'], { MODEL_RUNNER_HOST: `http://127.0.0.1:${options.port}` });
    expect(await chatFromContainer(`http://172.17.0.1:${options.port}/engines/v1/chat/completions`, [])).toBe('200');
    const network = `runner-test-${process.pid}`;
    networks.push(network);
    await docker('network', 'create', network);
    const viaAlias = `http://model-runner.docker.internal:${options.port}/engines/v1/chat/completions`;
    expect(await chatFromContainer(viaAlias, ['--network', network, '--add-host', 'model-runner.docker.internal:host-gateway'])).toBe('200');
  });

  it("puts model-runner.docker.internal on a Compose project's network, without extra_hosts, and never disturbs the published port", async () => {
    // `a…` sorts before `bridge`: joined by the runner itself, this network would take its published port.
    const project = `a-runner-test-${process.pid}`;
    networks.push(project);
    await composeNetwork(project);
    const poll = pollPublishedPort(options.port!);
    const url = `http://model-runner.docker.internal:${options.port}/engines/v1/chat/completions`;
    const status = await chatFromContainer(url, ['--network', project, '--label', `com.docker.compose.project=${project}`], 10_000);
    const { calls, failures } = await poll.stop();
    expect(status).toBe('200');
    expect(calls).toBeGreaterThan(10);
    expect(failures).toBe(0);
  });

  it("leaves a project's network once its last container stops, so the network can be removed", async () => {
    const project = `runner-leave-test-${process.pid}`;
    networks.push(project);
    await composeNetwork(project);
    const service = await docker('run', '-d', '--pull', 'never', '--network', project, '--label', `com.docker.compose.project=${project}`, await localBaseImage(), 'sleep', '600');
    await expect.poll(() => attached(project), { timeout: 10_000 }).toContain('docker-model-runner-alias');
    // As `compose down`: stop, remove, then remove the network at once.
    await docker('rm', '-f', service);
    await docker('network', 'rm', project);
    expect(await docker('network', 'ls', '-q', '--filter', `name=^${project}$`)).toBe('');
  });

  it('stays off a project network labelled com.docker.model-runner.join=false', async () => {
    const project = `runner-optout-test-${process.pid}`;
    networks.push(project);
    await composeNetwork(project, 'com.docker.model-runner.join=false');
    const url = `http://model-runner.docker.internal:${options.port}/models`;
    expect(await chatFromContainer(url, ['--network', project, '--label', `com.docker.compose.project=${project}`], 2_000)).toBe('failed ENOTFOUND');
    expect(await attached(project)).toEqual([]);
  });

  it('pulls a model from a registry into the volume with docker model pull, and keeps it across reinstall-runner', async () => {
    // On every address: the runner container reaches it at the bridge gateway.
    await using registry = await startRegistry({ listen: '0.0.0.0' });
    await npmRun('package', ['--gguf', await generatedModel(), '--push', `${registry.host}/ai/pulled`]);
    const reference = `172.17.0.1:${registry.host.split(':')[1]}/ai/pulled`;
    const cli = { MODEL_RUNNER_IMAGE: options.image, INSECURE_REGISTRY: 'true' };
    const reinstalled = await dockerModel(configDir, ['reinstall-runner', '--port', String(options.port)], cli);
    expect(reinstalled.code, reinstalled.stderr).toBe(0);
    const pulled = await dockerModel(configDir, ['pull', reference], cli);
    expect(pulled.stdout, pulled.stderr).toMatch(/Model pulled successfully\n$/);
    expect(await docker('exec', 'docker-model-runner', 'ls', '/models/blobs/sha256')).not.toBe('');
    expect((await dockerModel(configDir, ['reinstall-runner', '--port', String(options.port)], cli)).code).toBe(0);
    const listed = JSON.parse((await dockerModel(configDir, ['ls', '--json'])).stdout) as Array<{ tags: string[] }>;
    expect(listed.flatMap((model) => model.tags)).toEqual(expect.arrayContaining([`${reference}:latest`, 'docker.io/ai/tiny:latest']));
  });

  it('serves again after Docker restarts its process', async () => {
    await docker('exec', 'docker-model-runner', 'sh', '-c', 'kill 1');
    const deadline = Date.now() + 60_000;
    let restarts = '0';
    while (Date.now() < deadline) {
      restarts = await docker('inspect', '--format', '{{.RestartCount}}', 'docker-model-runner');
      const status = await fetch(`http://127.0.0.1:${options.port}/models`).then((response) => response.status, () => 0);
      if (restarts !== '0' && status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(restarts).not.toBe('0');
    expect((await fetch(`http://127.0.0.1:${options.port}/models/ai/tiny`)).status).toBe(200);
  });

  it('says plainly when the port is taken, and leaves no container behind', async () => {
    await installer.uninstall();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const error = await installer.install({ ...options, port }).catch((failure: unknown) => failure);
      expect(isRunnerError(error, 'conflict')).toBe(true);
      expect((error as Error).message).toContain(`port ${port} is already in use`);
      expect(await installer.controllers()).toEqual([]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('says how to build a missing image, without looking for it on Docker Hub', async () => {
    const error = await installer.install({ ...options, image: 'model-runner:never-built' }).catch((failure: unknown) => failure);
    expect(isRunnerError(error, 'not_found')).toBe(true);
    expect((error as Error).message).toContain('npm run image');
  });

  it('uninstalls with --models leaving no container and no model volume', async () => {
    await installer.install(options);
    const { stdout } = await dockerModel(configDir, ['uninstall-runner', '--models']);
    expect(stdout).toMatch(/^Removing container docker-model-runner \([0-9a-f]{12}\)...\nRemoving container docker-model-runner-alias \([0-9a-f]{12}\)...\nRemoving volume docker-model-runner-models...\n$/);
    expect(await docker('ps', '-aq', '--filter', 'label=com.docker.desktop.service')).toBe('');
    expect(await docker('volume', 'ls', '-q', '--filter', 'label=com.docker.model-runner.role=model-storage')).toBe('');
  });
});

describe('reaching the Docker daemon', () => {
  it('says permission is denied on a socket the user may not open, exiting 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'docker-sock-'));
    const socket = join(dir, 'docker.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    await chmod(socket, 0o000);
    try {
      // Without capabilities, root is held to the socket's mode as any user in no docker group is.
      const run = execFileAsync('setpriv', ['--inh-caps=-all', '--bounding-set=-all', 'npm', 'run', '--silent', 'docker-model', '--', 'stop-runner'], {
        cwd: repoRoot,
        env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
      });
      const failure = (await run.catch((error: unknown) => error)) as { code: number; stderr: string };
      expect(failure.code).toBe(1);
      expect(failure.stderr).toBe(`permission denied on the Docker daemon socket unix://${socket}: run as a member of the docker group, or as root\n`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says the daemon is not running when its socket is missing', async () => {
    const error = await connectDocker('unix:///nonexistent/docker.sock').catch((failure: unknown) => failure);
    expect(isRunnerError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).toBe('cannot reach the Docker daemon at unix:///nonexistent/docker.sock: is dockerd running?');
  });
});

import type Docker from 'dockerode';
import { RunnerError } from '../shared/errors.js';
import { bridgeGateway } from './bridge-gateway.js';
import { containerUser, imageUser, putOwnedFile } from './container-files.js';
import {
  ALIAS_CONTAINER,
  aliasFilter,
  aliasLabels,
  controllerFilter,
  controllerLabels,
  MODELS_PATH,
  MODELS_VOLUME,
  RUNNER_CONTAINER,
  RUNNER_HOME,
  RUNNER_PORT,
  storageFilter,
  storageLabels,
} from './runner-container.js';

export type GpuChoice = 'auto' | 'none' | 'cuda';

export interface InstallOptions {
  image: string;
  port?: number;
  /** Host address the port is published on; with 127.0.0.1 it is also published on the bridge gateway. */
  host?: string;
  gpu?: GpuChoice;
  /**
   * The Docker config.json to put in the runner container, so it pulls with the user's
   * credentials; asked for only when a container is created.
   */
  dockerConfig?: () => Promise<Buffer | undefined>;
  /** A TLS-inspecting proxy's CA certificate (PEM) for the runner's registry traffic. */
  proxyCert?: string;
  /** Passed to the runner as is: proxies, registry mirrors. */
  env?: Readonly<Record<string, string>>;
  /**
   * A throw-away runner for CI: models on a tmpfs instead of the named volume, so they go with the
   * container, and no restart policy.
   */
  ephemeral?: boolean;
  /**
   * The daemon's socket, as a path on the daemon's host, for the alias relay that puts the runner's
   * name on Compose networks; undefined installs no relay.
   */
  aliasSocket?: string;
}

export interface InstalledRunner {
  id: string;
  /** Where the host reaches it. */
  hostUrl: string;
  /** Where containers on the default bridge reach it (also what `host-gateway` maps to). */
  containerUrl: string | undefined;
  /** False when a runner was already running and was left as it was. */
  created: boolean;
}

/** What install reads of the daemon's `/info`. */
interface EngineInfo {
  SecurityOptions?: string[];
  Runtimes?: Record<string, unknown>;
}

type GpuRequest = Pick<Docker.HostConfig, 'DeviceRequests' | 'Runtime'>;

/** DMR skips the gateway binding on a rootless daemon, whose gateway is inside rootlesskit's namespace. */
function rootless(engine: EngineInfo): boolean {
  return (engine.SecurityOptions ?? []).some((option) => option.includes('rootless'));
}

function gpuRequest(engine: EngineInfo, gpu: GpuChoice): GpuRequest {
  if (gpu === 'none') return {};
  const nvidia = engine.Runtimes?.nvidia !== undefined;
  if (!nvidia && gpu === 'cuda') throw new RunnerError('unavailable', 'this Docker Engine has no nvidia runtime: install the NVIDIA Container Toolkit, or use --gpu none');
  return nvidia ? { DeviceRequests: [{ Count: -1, Capabilities: [['gpu']] }], Runtime: 'nvidia' } : {};
}

const PROXY_CA = '/usr/local/share/ca-certificates/proxy-ca.crt';
/**
 * With the anonymous volume the image's `VOLUME /models` gives every container that does not
 * mount something there (the alias relay, the ephemeral runner's probe); the named model volume
 * is never removed this way.
 */
const REMOVE = { force: true, v: true };
const READY_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

function errorText(error: unknown): string {
  const { json, message } = error as { json?: { message?: string }; message?: string };
  return json?.message ?? message ?? String(error);
}

/**
 * The runner as a container, installed and found the way DMR's CLI does it on Docker Engine
 * (reference §7.2): the same container, volume, labels and port bindings, so the stock
 * `docker model` CLI and Compose find it too.
 */
export class RunnerInstaller {
  constructor(readonly docker: Docker) {}

  /** Every controller container, running or not. */
  async controllers(): Promise<Docker.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: controllerFilter });
  }

  async running(): Promise<Docker.ContainerInfo | undefined> {
    return (await this.controllers()).find((container) => container.State === 'running');
  }

  async install(options: InstallOptions): Promise<InstalledRunner> {
    const port = options.port ?? RUNNER_PORT;
    const host = options.host ?? '127.0.0.1';
    const gateway = await bridgeGateway(this.docker);
    const installed = (id: string, created: boolean): InstalledRunner => ({
      id,
      hostUrl: `http://${host}:${port}`,
      containerUrl: gateway ? `http://${gateway}:${port}/engines/v1/` : undefined,
      created,
    });
    const controllers = await this.controllers();
    const existing = controllers.find((container) => container.State === 'running');
    if (existing) {
      await this.#ensureAlias(options, port);
      return installed(existing.Id, false);
    }
    // Stopped controllers are pruned first, as DMR's CLI does; models stay in their volume.
    for (const stopped of controllers) await this.docker.getContainer(stopped.Id).remove(REMOVE);
    await this.#checkImage(options.image);
    const engine = (await this.docker.info()) as EngineInfo;
    const onGateway = host === '127.0.0.1' && gateway !== undefined && !rootless(engine);
    const bindings = [{ HostIp: host, HostPort: String(port) }, ...(onGateway ? [{ HostIp: gateway, HostPort: String(port) }] : [])];
    const container = await this.#create(options, port, bindings, gpuRequest(engine, options.gpu ?? 'auto'));
    if (!container) return installed(await this.#waitForOther(host, port), false);
    await this.#copyDockerConfig(container, await options.dockerConfig?.());
    await this.#start(container, host, port);
    await this.#waitUntilReady(host, port);
    await this.#ensureAlias(options, port);
    return installed(container.id, true);
  }

  /**
   * Removes every controller container and its alias relay (DMR's stop-runner and
   * uninstall-runner); with `models`, the model volume too. Says what it removes as it goes.
   */
  async uninstall(options: { models?: boolean; progress?: (line: string) => void } = {}): Promise<void> {
    for (const info of [...(await this.controllers()), ...(await this.#aliasRelays())]) {
      options.progress?.(`Removing container ${info.Names[0]?.replace(/^\//, '') ?? ''} (${info.Id.slice(0, 12)})...`);
      await this.docker.getContainer(info.Id).remove(REMOVE);
    }
    if (!options.models) return;
    const { Volumes } = await this.docker.listVolumes({ filters: storageFilter });
    for (const volume of Volumes ?? []) {
      options.progress?.(`Removing volume ${volume.Name}...`);
      await this.docker.getVolume(volume.Name).remove();
    }
  }

  /** DMR's `uninstall-runner --images`: the runner image goes too (one that is not there is no error). */
  async removeImage(image: string, progress?: (line: string) => void): Promise<void> {
    try {
      await this.docker.getImage(image).remove();
      progress?.(`Removed image ${image}`);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async #aliasRelays(): Promise<Docker.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: aliasFilter });
  }

  /**
   * The relay beside the runner (src/docker/alias-relay-main.ts), from the same image, as root:
   * it holds the daemon's socket, which is root's power anyway, so the runner does not have to.
   */
  async #ensureAlias(options: InstallOptions, port: number): Promise<void> {
    if (!options.aliasSocket) return;
    const relays = await this.#aliasRelays();
    if (relays.some((relay) => relay.State === 'running')) return;
    for (const stopped of relays) await this.docker.getContainer(stopped.Id).remove(REMOVE);
    try {
      const relay = await this.docker.createContainer({
        name: ALIAS_CONTAINER,
        Image: options.image,
        User: 'root',
        Entrypoint: ['node', 'dist/src/docker/alias-relay-main.js'],
        Env: [`MODEL_RUNNER_PORT=${port}`, `MODEL_RUNNER_ALIAS_CONTAINER=${ALIAS_CONTAINER}`],
        Labels: aliasLabels,
        HostConfig: {
          RestartPolicy: { Name: 'always' },
          Mounts: [{ Type: 'bind', Source: options.aliasSocket, Target: '/var/run/docker.sock' }],
        },
      });
      await relay.start();
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
  }

  async #checkImage(image: string): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      throw new RunnerError('not_found', `the runner image ${image} is not on this Docker Engine: build it with "npm run image", or set MODEL_RUNNER_IMAGE to one that is`);
    }
  }

  async #modelsVolume(): Promise<string> {
    const { Volumes } = await this.docker.listVolumes({ filters: storageFilter });
    const [found] = Volumes ?? [];
    if (found) return found.Name;
    await this.docker.createVolume({ Name: MODELS_VOLUME, Labels: storageLabels });
    return MODELS_VOLUME;
  }

  /** Undefined when another install created the container first (DMR tolerates concurrent installs). */
  async #create(options: InstallOptions, port: number, bindings: Array<{ HostIp: string; HostPort: string }>, gpu: GpuRequest): Promise<Docker.Container | undefined> {
    const env = { ...options.env, MODEL_RUNNER_PORT: String(port), MODEL_RUNNER_ENVIRONMENT: 'moby', ...(options.proxyCert ? { NODE_EXTRA_CA_CERTS: PROXY_CA } : {}) };
    // Ephemeral: a tmpfs owned by the image's user, as Docker's tmpfs mode is not applied over the
    // image's VOLUME /models (measured on Engine 20.10: root, 0755, whatever the mode asked).
    const tmpfs = options.ephemeral ? await this.#storeTmpfs(options.image) : undefined;
    const mounts: Docker.MountSettings[] = tmpfs ? [] : [{ Type: 'volume', Source: await this.#modelsVolume(), Target: MODELS_PATH }];
    if (options.proxyCert) mounts.push({ Type: 'bind', Source: options.proxyCert, Target: PROXY_CA, ReadOnly: true });
    try {
      return await this.docker.createContainer({
        name: RUNNER_CONTAINER,
        Image: options.image,
        Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
        ExposedPorts: { [`${port}/tcp`]: {} },
        Labels: controllerLabels,
        HostConfig: {
          RestartPolicy: { Name: options.ephemeral ? 'no' : 'always' },
          Mounts: mounts,
          ...(tmpfs ? { Tmpfs: tmpfs } : {}),
          PortBindings: { [`${port}/tcp`]: bindings },
          ...gpu,
        },
      });
    } catch (error) {
      if (statusOf(error) === 409) return undefined;
      throw error;
    }
  }

  /** `/models` on a tmpfs writable by the user the image runs as. */
  async #storeTmpfs(image: string): Promise<Record<string, string>> {
    const { uid, gid } = await imageUser(this.docker, image);
    return { [MODELS_PATH]: `rw,uid=${uid},gid=${gid},mode=0700` };
  }

  async #copyDockerConfig(container: Docker.Container, content: Buffer | undefined): Promise<void> {
    if (!content) return;
    const owner = await containerUser(container, 'modelrunner');
    await putOwnedFile(container, { parent: RUNNER_HOME, directory: '.docker', name: 'config.json', content, mode: 0o600 }, owner);
  }


  /** Started, retried a moment as DMR does; a port taken by something else is said plainly and the container removed. */
  async #start(container: Docker.Container, host: string, port: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await container.start();
        return;
      } catch (error) {
        const text = errorText(error);
        if (/address already in use|port is already allocated|ports are not available/i.test(text)) {
          await container.remove(REMOVE);
          throw new RunnerError('conflict', `port ${port} is already in use on ${host} (${text}): stop what uses it, or install with another --port`);
        }
        if (statusOf(error) !== 404 || attempt >= 10) throw error;
        await sleep(500);
      }
    }
  }

  async #waitUntilReady(host: string, port: number): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      // A timer of our own, not AbortSignal.timeout: that one is unref'd, and while docker-proxy
      // holds a connection the container does not answer yet, nothing else keeps a CLI process alive.
      const probe = new AbortController();
      const timer = setTimeout(() => probe.abort(), 2_000);
      const status = await fetch(`http://${host}:${port}/models`, { signal: probe.signal }).then((response) => response.status, () => 0);
      clearTimeout(timer);
      if (status === 200) return;
      await sleep(500);
    }
    throw new RunnerError('unavailable', 'standalone model runner took too long to initialize');
  }

  /** The id of the runner a concurrent install started, once it serves. */
  async #waitForOther(host: string, port: number): Promise<string> {
    await this.#waitUntilReady(host, port);
    const running = await this.running();
    if (!running) throw new RunnerError('unavailable', 'another install of the runner did not start it');
    return running.Id;
  }
}

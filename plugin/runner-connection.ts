import type Docker from 'dockerode';
import { RunnerClient } from '../src/api/runner-client.js';
import type { InstallOptions, RunnerInstaller } from '../src/docker/runner-installer.js';
import { RUNNER_PORT } from '../src/docker/runner-container.js';
import { RunnerError } from '../src/shared/errors.js';

export type RunnerKind = 'Docker Engine' | 'Docker Engine (Manual Install)';

/** Where the runner is, as DMR's CLI detects it (reference §7.1) and `status --json` reports it. */
export interface RunnerConnection {
  client: RunnerClient;
  kind: RunnerKind;
  /** Where containers reach the runner (`status --json` adds `/v1/`; the provider `/engines/v1/`). */
  containerUrl: string;
  /** Where this host reaches it. */
  hostUrl: string;
}

export interface ConnectOptions {
  /** MODEL_RUNNER_HOST: a runner the user manages; no container is looked for. */
  manualHost: string | undefined;
  userAgent: string;
  installer: () => Promise<RunnerInstaller>;
  /** Install the runner container when there is none (unless MODEL_RUNNER_NO_AUTO_INSTALL). */
  autoInstall: InstallOptions | undefined;
  /** Told about an auto-install, as DMR's CLI prints it. */
  progress: (line: string) => void;
}

/** The host port (loopback binding) and the address containers use (any other binding), as DMR reads `Ports`. */
function published(container: Docker.ContainerInfo): { hostPort: number; gateway: string | undefined; gatewayPort: number } {
  const ports = container.Ports.filter((port) => port.PublicPort);
  const loopback = ports.find((port) => port.IP === '127.0.0.1');
  const other = ports.find((port) => port.IP && port.IP !== '127.0.0.1' && !port.IP.includes(':'));
  const hostPort = loopback?.PublicPort ?? other?.PublicPort ?? RUNNER_PORT;
  return { hostPort, gateway: other?.IP === '0.0.0.0' ? undefined : other?.IP, gatewayPort: other?.PublicPort ?? hostPort };
}

export async function connectRunner(options: ConnectOptions): Promise<RunnerConnection> {
  if (options.manualHost) {
    const base = /^https?:\/\//.test(options.manualHost) ? options.manualHost : `http://${options.manualHost}`;
    const url = base.replace(/\/+$/, '');
    return { client: new RunnerClient(url, { userAgent: options.userAgent }), kind: 'Docker Engine (Manual Install)', containerUrl: url, hostUrl: url };
  }
  const installer = await options.installer();
  let container = await installer.running();
  if (!container) {
    if (!options.autoInstall) throw new RunnerError('unavailable', 'Docker Model Runner is not running. Please start it and try again.\nStart it with: docker model install-runner');
    options.progress('Installing the Docker Model Runner container...');
    await installer.install(options.autoInstall);
    container = await installer.running();
    if (!container) throw new RunnerError('unavailable', 'the Docker Model Runner container did not start');
  }
  const { hostPort, gateway, gatewayPort } = published(container);
  return {
    client: new RunnerClient(`http://127.0.0.1:${hostPort}`, { userAgent: options.userAgent }),
    kind: 'Docker Engine',
    containerUrl: `http://${gateway ?? 'host.docker.internal'}:${gatewayPort}`,
    hostUrl: `http://127.0.0.1:${hostPort}`,
  };
}

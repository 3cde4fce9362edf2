import { RUNNER_PORT } from '../../../src/docker/runner-container.js';
import { RUNNER_ALIAS } from '../../../src/shared/runner-host.js';
import type { RunnerConnection } from '../../runner-connection.js';

/** Hosts that mean "this machine": a container reaches them through `host-gateway` instead. */
const THIS_HOST = new Set(['localhost', '0.0.0.0', '[::1]', '[::]', 'host.docker.internal', RUNNER_ALIAS]);

/**
 * The OpenAI base URL the project's services get. The runner container publishes its port on the
 * bridge gateway, and a runner on this host listens on it too (or on every address), so services
 * use `model-runner.docker.internal` at that port, which their `host-gateway` entry points there.
 * A runner elsewhere (MODEL_RUNNER_HOST on another machine) is used at its own address. With no
 * runner found (`down`, `config`), DMR's default port stands in: nothing is started with it.
 */
export function containerEndpoint(runner: RunnerConnection | undefined): string {
  if (!runner) return `http://${RUNNER_ALIAS}:${RUNNER_PORT}/engines/v1/`;
  const url = new URL(runner.containerUrl);
  const local = runner.kind === 'Docker Engine' || THIS_HOST.has(url.hostname) || url.hostname.startsWith('127.');
  if (!local) return `${runner.containerUrl}/engines/v1/`;
  return `${url.protocol}//${RUNNER_ALIAS}:${url.port || (url.protocol === 'https:' ? '443' : '80')}/engines/v1/`;
}

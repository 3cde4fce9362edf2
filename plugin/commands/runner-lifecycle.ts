import { parseArgs } from 'node:util';
import type { GpuChoice, InstalledRunner, InstallOptions, RunnerInstaller } from '../../src/docker/runner-installer.js';
import { RunnerError } from '../../src/shared/errors.js';

export const runnerUsage = `Usage: runner COMMAND [OPTIONS]

Commands (as DMR's install-runner, uninstall-runner, start-runner, stop-runner, restart-runner and
reinstall-runner on Docker Engine):
  install     [--port N] [--host ADDR] [--gpu auto|none|cuda] [--proxy-cert FILE]
  reinstall   the same options: remove the runner container, then install it again
  start       the same options: start the runner (models stay in their volume)
  stop        stop the runner container
  restart     stop, then start
  uninstall   [--models]: remove the runner container; with --models, its model volume too`;

export interface RunnerLifecycleDeps {
  installer: RunnerInstaller;
  image: string;
  dockerConfigDir: string;
  aliasSocket: string | undefined;
  /** Passed on to the runner container, as DMR's CLI passes the host's proxy settings and mirrors. */
  env: Readonly<Record<string, string>>;
  out: NodeJS.WritableStream;
}

const installFlags = {
  port: { type: 'string' },
  host: { type: 'string' },
  gpu: { type: 'string' },
  'proxy-cert': { type: 'string' },
} as const;

function installOptions(argv: string[], deps: RunnerLifecycleDeps): InstallOptions {
  const { values } = parseArgs({ args: argv, options: installFlags, strict: true });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new RunnerError('invalid_request', `--port must be a port number, got "${values.port}"`);
  const gpu = values.gpu ?? 'auto';
  if (!['auto', 'none', 'cuda'].includes(gpu)) throw new RunnerError('invalid_request', `--gpu must be auto, none or cuda, got "${gpu}"`);
  return {
    image: deps.image,
    dockerConfigDir: deps.dockerConfigDir,
    env: deps.env,
    gpu: gpu as GpuChoice,
    ...(deps.aliasSocket === undefined ? {} : { aliasSocket: deps.aliasSocket }),
    ...(port === undefined ? {} : { port }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['proxy-cert'] === undefined ? {} : { proxyCert: values['proxy-cert'] }),
  };
}

function report(out: NodeJS.WritableStream, runner: InstalledRunner): void {
  out.write(runner.created ? `Model Runner container docker-model-runner (${runner.id.slice(0, 12)}) is running at ${runner.hostUrl}\n` : `Model Runner container docker-model-runner (${runner.id.slice(0, 12)}) is already running\n`);
  if (runner.containerUrl) out.write(`Containers reach it at ${runner.containerUrl}\n`);
}

/** The runner container's life cycle, one word a command. */
export async function runnerCommand([command, ...argv]: string[], deps: RunnerLifecycleDeps): Promise<void> {
  const { installer, out } = deps;
  switch (command) {
    case 'install':
    case 'start':
      return report(out, await installer.install(installOptions(argv, deps)));
    case 'reinstall':
      await installer.uninstall();
      return report(out, await installer.install(installOptions(argv, deps)));
    case 'restart':
      await installer.stop();
      return report(out, await installer.install(installOptions(argv, deps)));
    case 'stop':
      await installer.stop();
      return void out.write('Model Runner container stopped\n');
    case 'uninstall': {
      const { values } = parseArgs({ args: argv, options: { models: { type: 'boolean' } }, strict: true });
      await installer.uninstall({ models: values.models ?? false });
      return void out.write(values.models ? 'Model Runner container and its models removed\n' : 'Model Runner container removed\n');
    }
    default:
      throw new RunnerError('invalid_request', `${command === undefined ? 'a command is needed' : `unknown command "${command}"`}\n\n${runnerUsage}`);
  }
}

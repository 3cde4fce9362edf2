import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { GpuChoice, InstalledRunner, InstallOptions } from '../../src/docker/runner-installer.js';
import { RunnerError } from '../../src/shared/errors.js';
import type { CliContext } from '../cli-context.js';

interface RunnerFlags {
  port?: string;
  host?: string;
  gpu?: string;
  proxyCert?: string;
  doNotTrack?: boolean;
  ephemeral?: boolean;
}

function addRunnerFlags(command: Command): Command {
  return command
    .option('--port <port>', 'Docker container port for Docker Model Runner (default: 12434)')
    .option('--host <host>', 'Host address to bind Docker Model Runner', '127.0.0.1')
    .addOption(new Option('--gpu <gpu>', 'Specify GPU support (none|auto|cuda)').default('auto'))
    .option('--proxy-cert <file>', 'Path to a CA certificate file for proxy SSL inspection')
    .option('--do-not-track', 'Do not track models usage in Docker Model Runner')
    .option('--ephemeral', 'Keep models on a tmpfs that goes with the container, for CI (no model volume, no restart)');
}

function installOptions(context: CliContext, flags: RunnerFlags): InstallOptions {
  const port = flags.port === undefined || flags.port === '0' ? undefined : Number(flags.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new RunnerError('invalid_request', `invalid argument "${flags.port}" for "--port" flag: must be a port number`);
  const gpu = flags.gpu ?? 'auto';
  if (!['auto', 'none', 'cuda'].includes(gpu)) throw new RunnerError('invalid_request', `unknown GPU specification: "${gpu}"`);
  return context.installOptions({
    gpu: gpu as GpuChoice,
    ...(port === undefined ? {} : { port }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    // A bind mount's source is a path on the daemon's host: absolute, whatever the caller's cwd.
    ...(flags.proxyCert === undefined ? {} : { proxyCert: resolve(flags.proxyCert) }),
    ...(flags.ephemeral ? { ephemeral: true } : {}),
    ...(flags.doNotTrack ? { env: { ...context.config.runnerEnv, DO_NOT_TRACK: '1' } } : {}),
  });
}

function report(context: CliContext, runner: InstalledRunner): void {
  const name = `docker-model-runner (${runner.id.slice(0, 12)})`;
  context.out.write(runner.created ? `Model Runner container ${name} is running at ${runner.hostUrl}\n` : `Model Runner container ${name} is already running\n`);
  if (runner.containerUrl) context.out.write(`Containers reach it at ${runner.containerUrl}\n`);
}

async function install(context: CliContext, flags: RunnerFlags): Promise<void> {
  const options = installOptions(context, flags);
  const installer = await context.installer();
  if (!(await installer.running())) context.out.write('Starting model runner container docker-model-runner...\n');
  report(context, await installer.install(options));
}

async function remove(context: CliContext, { models = false, images = false }: { models?: boolean; images?: boolean }): Promise<void> {
  const installer = await context.installer();
  const progress = (line: string) => context.out.write(`${line}\n`);
  await installer.uninstall({ models, progress });
  if (images) await installer.removeImage(context.config.image, progress);
}

/** install, reinstall, start, stop, restart and uninstall of the runner container (reference §7.2). */
export function runnerCommands(context: CliContext): Command[] {
  return [
    addRunnerFlags(new Command('install-runner').description('Install Docker Model Runner (Docker Engine only)')).action((flags: RunnerFlags) => install(context, flags)),
    addRunnerFlags(new Command('start-runner').description('Start Docker Model Runner (Docker Engine only)')).action((flags: RunnerFlags) => install(context, flags)),
    addRunnerFlags(new Command('reinstall-runner').description('Reinstall Docker Model Runner (Docker Engine only)')).action(async (flags: RunnerFlags) => {
      await remove(context, {});
      await install(context, flags);
    }),
    addRunnerFlags(new Command('restart-runner').description('Restart Docker Model Runner (Docker Engine only)')).action(async (flags: RunnerFlags) => {
      await remove(context, {});
      await install(context, flags);
    }),
    new Command('stop-runner')
      .description('Stop Docker Model Runner (Docker Engine only)')
      .option('--models', 'Remove model storage volume')
      .action((flags: { models?: boolean }) => remove(context, flags)),
    new Command('uninstall-runner')
      .description('Uninstall Docker Model Runner (Docker Engine only)')
      .option('--models', 'Remove model storage volume')
      .option('--images', 'Remove the runner image (MODEL_RUNNER_IMAGE)')
      .action((flags: { models?: boolean; images?: boolean }) => remove(context, flags)),
  ];
}

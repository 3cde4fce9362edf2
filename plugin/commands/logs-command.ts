import { Command } from 'commander';
import { RunnerError } from '../../src/shared/errors.js';
import type { CliContext } from '../cli-context.js';
import { copyContainerLogs } from '../container-logs.js';

/** The runner logs through pino, its engines under `component: "engine"`; a cheap test, as pino writes the field just so. */
const notEngine = (line: string) => !line.includes('"component":"engine"');

export function logsCommand(context: CliContext): Command {
  return new Command('logs')
    .description('Fetch the Docker Model Runner logs')
    .usage('[OPTIONS]')
    .option('-f, --follow', 'View logs with real-time streaming')
    .option('--no-engines', 'Exclude inference engine logs from the output')
    .action(async (options: { follow?: boolean; engines: boolean }) => {
      // As DMR, the runner is installed first when there is none.
      const { kind, client } = await context.runner();
      if (kind !== 'Docker Engine') {
        throw new RunnerError('invalid_request', `logs are only available for the Docker Model Runner container: MODEL_RUNNER_HOST points at a runner outside one (${client.baseUrl}); read that runner's own output instead`);
      }
      const installer = await context.installer();
      const controller = await installer.running();
      if (!controller) throw new RunnerError('unavailable', 'unable to identify Model Runner container');
      const interrupted = new AbortController();
      const interrupt = () => interrupted.abort();
      // Ctrl+C ends a followed copy, and the command with it, successfully, as `docker logs -f`.
      process.once('SIGINT', interrupt);
      try {
        await copyContainerLogs(installer.docker.getContainer(controller.Id), context.out, context.err, {
          follow: options.follow ?? false,
          signal: interrupted.signal,
          ...(options.engines ? {} : { keep: notEngine }),
        });
      } finally {
        process.off('SIGINT', interrupt);
      }
    });
}

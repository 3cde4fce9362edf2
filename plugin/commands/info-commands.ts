import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { fixedSize, humanDuration } from '../output/go-units.js';
import { renderTable } from '../output/table.js';
import { displayName } from '../output/model-names.js';
import type { RunningModel } from '../../src/api/dmr-types.js';
import { parseKeepAlive } from '../../src/scheduler/go-duration.js';

const NEXT_STEPS = '\nWhat\'s next:\n    Start it with → docker model install-runner\n';

function versionCommand(context: CliContext): Command {
  return new Command('version').description('Show the Docker Model Runner version').action(async () => {
    context.out.write(`Client:\n Version:    ${context.version}\n OS/Arch:    linux/${process.arch === 'x64' ? 'amd64' : process.arch}\n\nServer:\n`);
    const server = await context
      .runner({ quiet: true, install: false })
      .then(async (runner) => ({ version: (await runner.client.version()).version, kind: runner.kind }))
      .catch(() => undefined);
    context.out.write(server ? ` Version:    ${server.version}\n Engine:     ${server.kind}\n` : ' Version:    (not reachable)\n Engine:     (not reachable)\n');
  });
}

function statusCommand(context: CliContext): Command {
  return new Command('status')
    .description('Check if the Docker Model Runner is running')
    .option('--json', 'Format output in JSON')
    .action(async (options: { json?: boolean }) => {
      // Compose reads stdout and stderr of `status --json` through one pipe: nothing may go to stderr.
      const runner = await context.runner({ quiet: options.json }).catch((error: unknown) => {
        if (options.json) return undefined;
        throw error;
      });
      const backends = runner ? await runner.client.engineStatus().catch(() => undefined) : undefined;
      if (options.json) {
        const status = { running: backends !== undefined, backends: backends ?? {}, kind: runner?.kind ?? 'Docker Engine', endpoint: runner ? `${runner.containerUrl}/v1/` : '', endpointHost: runner ? `${runner.hostUrl}/v1/` : '' };
        return void context.out.write(`${JSON.stringify(status)}\n`);
      }
      if (!backends) {
        context.out.write(`Docker Model Runner is not running\n${NEXT_STEPS}`);
        process.exitCode = 1;
        return;
      }
      const rows = Object.entries(backends)
        .map(([name, text]) => {
          const [state = text, details = ''] = text.split(/:\s*(.*)/s);
          return [name, state, details];
        })
        .sort((a, b) => a[0]!.localeCompare(b[0]!));
      context.out.write(`Docker Model Runner is running\n\n${renderTable(['BACKEND', 'STATUS', 'DETAILS'], rows)}`);
    });
}

/** DMR's UNTIL column: when an idle model will be unloaded. */
function until(model: RunningModel, now: number): string {
  if (model.loading) return 'Loading...';
  const keepAlive = model.keep_alive === undefined ? 5 * 60_000 : parseKeepAlive(model.keep_alive);
  if (keepAlive < 0) return 'Forever';
  const lastUsed = model.last_used ? Date.parse(model.last_used) : NaN;
  if (model.in_use || !Number.isFinite(lastUsed) || lastUsed <= 0) return `${humanDuration(keepAlive)} from now`;
  const remaining = keepAlive - (now - lastUsed);
  return remaining <= 0 ? 'Expiring' : `${humanDuration(remaining)} from now`;
}

function psCommand(context: CliContext): Command {
  return new Command('ps').description('List running models').action(async () => {
    const { client } = await context.runner();
    const now = Date.now();
    const rows = (await client.runningModels()).map((model) => [
      model.model_name.startsWith('sha256:') ? model.model_name.slice(7, 19) : displayName(model.model_name.toLowerCase()),
      model.backend_name,
      model.mode,
      until(model, now),
    ]);
    context.out.write(renderTable(['MODEL NAME', 'BACKEND', 'MODE', 'UNTIL'], rows));
  });
}

function dfCommand(context: CliContext): Command {
  return new Command('df').description('Show Docker Model Runner disk usage').action(async () => {
    const { client } = await context.runner();
    const usage = await client.diskUsage();
    const rows = [['Models', fixedSize(usage.models_disk_usage)]];
    if (usage.default_backend_disk_usage > 0) rows.push(['Inference engine', fixedSize(usage.default_backend_disk_usage)]);
    context.out.write(renderTable(['TYPE', 'SIZE'], rows));
  });
}

export function infoCommands(context: CliContext): Command[] {
  return [versionCommand(context), statusCommand(context), psCommand(context), dfCommand(context)];
}

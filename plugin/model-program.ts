import { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { modelCommands } from './commands/model-commands.js';
import { runnerCommands } from './commands/runner-commands.js';
import { infoCommands } from './commands/info-commands.js';
import { pluginCommands } from './commands/plugin-commands.js';
import { configureCommand } from './commands/configure-command.js';
import { transferCommands } from './commands/transfer-commands.js';
import { showCommand } from './commands/show-command.js';
import { logsCommand } from './commands/logs-command.js';
import { requestsCommand } from './commands/requests-command.js';
import { runCommand } from './commands/run-command.js';
import { addCompletionCommands } from './commands/completion-command.js';
import { composeCommand } from './commands/compose-command.js';

/** The whole `docker model` command tree; each module adds its commands. */
export function modelProgram(context: CliContext): Command {
  const program = new Command('docker model')
    .description('Docker Model Runner')
    .usage('COMMAND')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => context.out.write(text),
      writeErr: (text) => context.err.write(text),
    });
  for (const add of [infoCommands, modelCommands, transferCommands, runnerCommands, pluginCommands]) {
    for (const command of add(context)) program.addCommand(command);
  }
  program.addCommand(configureCommand(context), { hidden: true });
  program.addCommand(composeCommand(context), { hidden: true });
  program.addCommand(showCommand(context));
  program.addCommand(logsCommand(context));
  program.addCommand(requestsCommand(context));
  program.addCommand(runCommand(context));
  addCompletionCommands(context, program);
  return program;
}

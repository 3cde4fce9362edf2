import { Command } from 'commander';

/** A small tree with what completion must handle: aliases, value flags, a hidden command, a nested group. */
export function sampleProgram(): Command {
  const program = new Command('docker model').helpCommand(false);
  program.addCommand(new Command('list').alias('ls').description("List the models' tags").option('--json', 'JSON: one object'));
  program.addCommand(new Command('logs').description('Fetch the logs').option('-f, --follow', 'Follow').option('--no-engines', 'No engine lines'));
  program.addCommand(new Command('unload').alias('stop').option('--backend <BACKEND>', 'A backend').argument('[MODEL...]'));
  program.addCommand(new Command('configure').option('--context-size <N>', 'Tokens'), { hidden: true });
  program.addCommand(new Command('context').description('Manage contexts').addCommand(new Command('use').option('--host <HOST>', 'Where').argument('<NAME>')));
  return program;
}

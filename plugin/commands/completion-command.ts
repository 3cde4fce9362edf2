import { Argument, Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { bashScript } from '../completion/bash-script.js';
import { candidates, commandTree, position } from '../completion/command-tree.js';
import { zshScript } from '../completion/zsh-script.js';

/** The plugin's executable, which the scripts complete; `docker model` completes through `__complete`. */
const PROGRAM = 'docker-model';

/** Cobra's directives, as the docker CLI's completion reads them: 0 offers files, 4 offers none. */
const FILES = ':0';
const NO_FILES = ':4';

const scripts = { bash: bashScript, zsh: zshScript };

function completionCommand(context: CliContext, root: Command): Command {
  return new Command('completion')
    .description('Generate the autocompletion script for the specified shell')
    .addArgument(new Argument('<SHELL>').choices(Object.keys(scripts)))
    .action((shell: keyof typeof scripts) => {
      context.out.write(scripts[shell](commandTree(root), PROGRAM));
    });
}

/**
 * Cobra's `__complete` protocol, which the docker CLI's completion speaks to plugins: the words
 * typed after `docker` (`model …`, the last one being completed), answered with one candidate a
 * line and a directive. Plugins' candidates carry no descriptions, so `__completeNoDesc` is the same.
 */
function completeCommand(context: CliContext, root: Command, name: string): Command {
  return new Command(name)
    .argument('[WORDS...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action((words: string[]) => {
      const typed = words.length > 1 && words[0] === 'model' ? words.slice(1) : words;
      const before = typed.slice(0, -1);
      const current = typed.at(-1) ?? '';
      const tree = commandTree(root);
      const lines = [...candidates(tree, before, current), position(tree, before).flagValue ? FILES : NO_FILES];
      context.out.write(`${lines.join('\n')}\n`);
    });
}

/** `completion bash|zsh` and the `__complete` commands, hidden as the docker CLI hides cobra's; they read the whole tree when run. */
export function addCompletionCommands(context: CliContext, root: Command): void {
  root.addCommand(completionCommand(context, root), { hidden: true });
  for (const name of ['__complete', '__completeNoDesc']) root.addCommand(completeCommand(context, root, name), { hidden: true });
}

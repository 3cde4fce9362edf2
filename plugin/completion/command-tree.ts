import type { Command } from 'commander';

export interface FlagSpec {
  /** Every spelling: `-f`, `--follow`. */
  names: string[];
  /** The next word is the flag's value, never a command. */
  takesValue: boolean;
  description: string;
}

export interface CommandNode {
  /** Canonical names from the root, space-separated; '' for the root. */
  path: string;
  /** The name first, then its aliases. */
  names: string[];
  description: string;
  flags: FlagSpec[];
  children: CommandNode[];
}

/** What completion offers of a commander tree: what `--help` shows, so hidden commands and flags stay hidden. */
export function commandTree(command: Command, path = ''): CommandNode {
  const help = command.createHelp();
  return {
    path,
    names: [command.name(), ...command.aliases()],
    description: command.summary() || command.description(),
    flags: help.visibleOptions(command).map((option) => ({
      names: [option.short, option.long].filter((name): name is string => name !== undefined),
      takesValue: option.required,
      description: option.description,
    })),
    children: help.visibleCommands(command).map((child) => commandTree(child, path ? `${path} ${child.name()}` : child.name())),
  };
}

/** Every command of the tree, the root first. */
export function allCommands(node: CommandNode): CommandNode[] {
  return [node, ...node.children.flatMap(allCommands)];
}

export interface Position {
  /** The command the words so far lead to. */
  command: CommandNode;
  /** The word being completed is the value of the flag before it. */
  flagValue: boolean;
}

/** Where the words before the one being completed leave us: flags and their values skipped, arguments ignored. */
export function position(tree: CommandNode, before: readonly string[]): Position {
  let command = tree;
  let flagValue = false;
  for (const word of before) {
    if (flagValue) {
      flagValue = false;
    } else if (word.startsWith('-')) {
      flagValue = !word.includes('=') && command.flags.some((flag) => flag.takesValue && flag.names.includes(word));
    } else {
      command = command.children.find((child) => child.names.includes(word)) ?? command;
    }
  }
  return { command, flagValue };
}

/** What may follow: flags for a word that starts with `-`, commands otherwise, those starting with `current`. */
export function candidates(tree: CommandNode, before: readonly string[], current: string): string[] {
  const { command, flagValue } = position(tree, before);
  if (flagValue) return [];
  const words = current.startsWith('-') ? command.flags.flatMap((flag) => flag.names) : command.children.flatMap((child) => child.names);
  return words.filter((word) => word.startsWith(current));
}

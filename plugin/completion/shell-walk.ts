import { allCommands, type CommandNode } from './command-tree.js';

/** A word in single quotes, for sh, bash and zsh alike. */
export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A shell function name for a program: `docker-model` → `_docker_model`. */
export function functionName(program: string): string {
  return `_${program.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** `case` arms matching `command|word`, one pattern per spelling. */
function arm(command: CommandNode, names: string[], action: string): string {
  return `    ${names.map((name) => quote(`${command.path}|${name}`)).join(' | ')}) ${action} ;;`;
}

/**
 * `<fn>_walk WORD…`, in the shell both bash and zsh read: the words before the one being completed,
 * walked as `position` in command-tree.ts walks them. It sets REPLY to the command they lead to and
 * fails when the word being completed is a flag's value.
 */
export function walkFunctions(tree: CommandNode, fn: string): string {
  const commands = allCommands(tree);
  const childArms = commands.flatMap((command) => command.children.map((child) => arm(command, child.names, `REPLY=${quote(child.path)}`)));
  const valueArms = commands.flatMap((command) => command.flags.filter((flag) => flag.takesValue).map((flag) => arm(command, flag.names, 'return 0')));
  return `# Sets REPLY to the command that word $2 names under command $1; fails for any other word.
${fn}_child() {
  case "$1|$2" in
${childArms.join('\n')}
    *) return 1 ;;
  esac
}

# Succeeds when flag $2 of command $1 takes the next word as its value.
${fn}_takes_value() {
  case "$1|$2" in
${valueArms.join('\n')}
    *) return 1 ;;
  esac
}

# Sets REPLY to the command the words lead to; fails when the next word is a flag's value.
${fn}_walk() {
  local command='' value=0 word
  for word in "$@"; do
    if ((value)); then
      value=0
    elif [[ $word == -* ]]; then
      if [[ $word != *=* ]] && ${fn}_takes_value "$command" "$word"; then value=1; fi
    elif ${fn}_child "$command" "$word"; then
      command=$REPLY
    fi
  done
  REPLY=$command
  return $value
}
`;
}

import { allCommands, type CommandNode } from './command-tree.js';
import { functionName, quote, walkFunctions } from './shell-walk.js';

/** `name:description` for zsh's _describe: the colons of a name escaped, the description's first line. */
function described(name: string, description: string): string {
  return quote(`${name.replace(/:/g, '\\:')}:${description.split('\n')[0]}`);
}

/** `completion zsh`: a `#compdef` file for $fpath that also works sourced; the tree is written into it. */
export function zshScript(tree: CommandNode, program: string): string {
  const fn = functionName(program);
  const wordArms = allCommands(tree).map((command) => {
    const commands = command.children.flatMap((child) => child.names.map((name) => described(name, child.description)));
    const flags = command.flags.flatMap((flag) => flag.names.map((name) => described(name, flag.description)));
    return `    ${quote(command.path)}) subcommands=(${commands.join(' ')}); flags=(${flags.join(' ')}) ;;`;
  });
  return `#compdef ${program}
# zsh completion for ${program}, generated from its command tree by \`${program} completion zsh\`.
# This shell:   source <(${program} completion zsh)
# Every shell:  ${program} completion zsh > "\${fpath[1]}/_${program}"
# \`docker model <TAB>\` needs no script: the docker CLI's completion asks the plugin (\`${program} __complete\`).

${walkFunctions(tree, fn)}
# Sets the arrays subcommands and flags to what may follow command $1, as name:description.
${fn}_words() {
  case "$1" in
${wordArms.join('\n')}
  esac
}

${fn}() {
  local REPLY
  local -a subcommands flags
  if ! ${fn}_walk "\${(@)words[2,CURRENT-1]}"; then
    _files
    return
  fi
  ${fn}_words "$REPLY"
  if [[ $PREFIX == -* ]]; then
    _describe -t flags flag flags
  else
    _describe -t commands command subcommands
  fi
}

compdef ${fn} ${program}
# Loaded from $fpath, this file is the body of _${program}, run for the first TAB: complete it too.
if [[ $funcstack[1] == _${program} ]]; then
  ${fn} "$@"
fi
`;
}

import { allCommands, type CommandNode } from './command-tree.js';
import { functionName, quote, walkFunctions } from './shell-walk.js';

/** `completion bash`: a self-contained script, the tree written into it, so a TAB never starts Node. */
export function bashScript(tree: CommandNode, program: string): string {
  const fn = functionName(program);
  const wordArms = allCommands(tree).flatMap((command) => [
    `    ${quote(`${command.path}|commands`)}) REPLY=${quote(command.children.flatMap((child) => child.names).join(' '))} ;;`,
    `    ${quote(`${command.path}|flags`)}) REPLY=${quote(command.flags.flatMap((flag) => flag.names).join(' '))} ;;`,
  ]);
  return `# bash completion for ${program}, generated from its command tree by \`${program} completion bash\`.
# This shell:   source <(${program} completion bash)
# Every shell:  ${program} completion bash > /etc/bash_completion.d/${program}
# \`docker model <TAB>\` needs no script: the docker CLI's completion asks the plugin (\`${program} __complete\`).

${walkFunctions(tree, fn)}
# Sets REPLY to what may follow command $1: its commands, or with $2 = flags its flags.
${fn}_words() {
  case "$1|$2" in
${wordArms.join('\n')}
    *) REPLY='' ;;
  esac
}

${fn}() {
  local REPLY current=\${COMP_WORDS[COMP_CWORD]}
  COMPREPLY=()
  if ! ${fn}_walk "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; then
    # A flag's value is most often a path.
    compopt -o default 2>/dev/null
    return 0
  fi
  if [[ $current == -* ]]; then ${fn}_words "$REPLY" flags; else ${fn}_words "$REPLY" commands; fi
  COMPREPLY=($(compgen -W "$REPLY" -- "$current"))
}

complete -F ${fn} ${program}
`;
}

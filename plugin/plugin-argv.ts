/** Docker CLI global flags that take a value, as `docker --help` lists them. */
const VALUE_FLAGS = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const BOOLEAN_FLAGS = new Set(['-D', '--debug', '--tls', '--tlsverify']);

/** What the global flags before the plugin's name say about the daemon. */
export interface DaemonFlags {
  host?: string;
  context?: string;
  configDir?: string;
}

export interface PluginInvocation {
  /** `docker-cli-plugin-metadata`: the docker CLI asking who we are. */
  metadata: boolean;
  daemon: DaemonFlags;
  /** The command and its arguments, without the global flags and the `model` word. */
  args: string[];
}

/**
 * The docker CLI runs a plugin with its own whole argv (`--context x model ls`); Compose and users
 * run it bare (`ls --json`). Both shapes come down to the same command line here.
 */
export function parsePluginArgv(argv: readonly string[]): PluginInvocation {
  if (argv[0] === 'docker-cli-plugin-metadata') return { metadata: true, daemon: {}, args: [] };
  const daemon: DaemonFlags = {};
  let index = 0;
  while (index < argv.length) {
    const arg = argv[index]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (BOOLEAN_FLAGS.has(flag)) {
      index++;
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) break;
    const value = inline ?? argv[index + 1] ?? '';
    index += inline === undefined ? 2 : 1;
    if (flag === '-H' || flag === '--host') daemon.host = value;
    if (flag === '-c' || flag === '--context') daemon.context = value;
    if (flag === '--config') daemon.configDir = value;
  }
  const rest = argv.slice(index);
  return { metadata: false, daemon, args: rest[0] === 'model' ? rest.slice(1) : rest };
}

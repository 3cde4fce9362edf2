import { spawn } from 'node:child_process';
import { RunnerError } from '../../../src/shared/errors.js';

/** Runs a command and resolves with its exit code. */
export type CommandRunner = (argv: readonly string[]) => Promise<number>;

/** The exit code of a command the user interrupted with Ctrl-C. */
export const INTERRUPTED = 130;

/**
 * `docker compose` when the docker CLI has it, else `docker-compose`; `override` (the
 * MODEL_RUNNER_COMPOSE setting, e.g. `docker-compose`) picks one where both are installed.
 * Looked for before any model is pulled, so a machine without Compose fails at once.
 */
export async function findCompose(override: string | undefined, probe: CommandRunner): Promise<string[]> {
  if (override?.trim()) return override.trim().split(/\s+/);
  for (const compose of [['docker', 'compose'], ['docker-compose']]) if ((await probe([...compose, 'version'])) === 0) return compose;
  throw new RunnerError('unavailable', 'Compose is not installed: neither "docker compose" nor "docker-compose" runs here');
}

function start(argv: readonly string[], stdio: 'inherit' | 'ignore'): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio });
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new RunnerError('unavailable', `${argv[0]} is not installed`) : error));
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? INTERRUPTED : 1)));
  });
}

/** A command run with its output thrown away, for probes; one that cannot start reads 127, as in a shell. */
export const runQuietly: CommandRunner = (argv) => start(argv, 'ignore').catch(() => 127);

/**
 * Compose in the foreground. Ctrl-C reaches Compose from the terminal, and Compose decides what
 * it means (stop the containers, then exit); this process waits for it rather than dying first,
 * so the transformed files are still there for Compose and are removed afterwards. An
 * interrupted run reads INTERRUPTED whatever Compose exits with.
 */
export const runInForeground: CommandRunner = async (argv) => {
  let interrupted = false;
  const note = () => void (interrupted = true);
  process.on('SIGINT', note);
  try {
    const code = await start(argv, 'inherit');
    return interrupted ? INTERRUPTED : code;
  } finally {
    process.off('SIGINT', note);
  }
};

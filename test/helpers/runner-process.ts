import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageInfo } from '../../src/shared/package-root.js';

/** The repository root, whether this runs from test/ (vitest) or from dist/test/ (the soak script). */
export const repoRoot = packageInfo().root;

/** Tests run the built runner, exactly as `npm start` does; `npm test` builds it first. */
export function builtEntry(relative: string): string {
  const path = join(repoRoot, 'dist', relative);
  if (!existsSync(path)) throw new Error(`${path} is missing: run "npm run build" (npm test does) first`);
  return path;
}

export interface RunningRunner {
  url: string;
  socketPath: string;
  modelsPath: string;
  dir: string;
  process: ChildProcess;
  logs: string[];
  /** Sends SIGTERM and waits for exit; returns the exit code. */
  stop(): Promise<number | null>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  modelsPath?: string;
}

function waitForListening(child: ChildProcess, logs: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'runner listening' && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`runner exited with ${code} before listening:\n${logs.join('\n')}`)));
  });
}

export async function startRunner(options: StartOptions = {}): Promise<RunningRunner> {
  const dir = await mkdtemp(join(tmpdir(), 'runner-test-'));
  const socketPath = options.env?.MODEL_RUNNER_SOCK ?? join(dir, 'runner.sock');
  const modelsPath = options.modelsPath ?? join(dir, 'models');
  const child = spawn(process.execPath, [builtEntry('src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      MODEL_RUNNER_PORT: '0',
      MODEL_RUNNER_SOCK: socketPath,
      MODELS_PATH: modelsPath,
      // Each runner its own log files: the default directory is shared by every runner of a host.
      MODEL_RUNNER_LOG_DIR: join(dir, 'logs'),
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const logs: string[] = [];
  const port = await waitForListening(child, logs);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    socketPath,
    modelsPath,
    dir,
    process: child,
    logs,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The runner's log lines at pino's error and fatal levels. */
export function errorLogLines(runner: RunningRunner): string[] {
  return runner.logs.filter((line) => /"level":(50|60)/.test(line));
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from './runner-process.js';

/** Runs `npm run <script> -- args` from the repository root, as the README tells users to. */
export async function npmRun(script: string, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('npm', ['run', '--silent', script, '--', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
  });
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * `file args…` with `env` over this process's environment and `input` on stdin. Resolves with the
 * exit code instead of throwing, so tests can check failures too.
 */
export function runCommand(file: string, args: string[], env: Record<string, string> = {}, input = ''): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? Number((error as { code?: number }).code ?? 1) : 0 });
    });
    child.stdin?.end(input);
  });
}

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

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/** The engine worker processes a runner has started (its direct children). */
export async function workerPids(runnerPid: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)('pgrep', ['-P', String(runnerPid), '-f', 'worker-main.js']).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

/** Running, not merely a zombie waiting for an init that may never reap it. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

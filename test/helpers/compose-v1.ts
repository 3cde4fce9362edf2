import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './runner-process.js';

/** Installs Compose 1.29 beside 2.40.3 (scripts/compose-v1.sh) and gives the folder its `docker-compose` is in. */
export async function composeV1Bin(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [join(repoRoot, 'scripts', 'compose-v1.sh')], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim().split('\n').at(-1)!;
}

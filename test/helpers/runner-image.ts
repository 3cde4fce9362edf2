import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { npmRun } from './run-command.js';
import { repoRoot } from './runner-process.js';

const exec = promisify(execFile);

/** A tag of its own, so tests never replace a model-runner:cpu someone built by hand. */
export const TEST_IMAGE = 'model-runner:cpu-test';
/** A cold build downloads every npm package and may first debootstrap the base; cached, seconds. */
export const BUILD_TIMEOUT_MS = 15 * 60_000;

export async function docker(...args: string[]): Promise<string> {
  return (await exec('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
}

/** Why Docker tests cannot run here (docker's own last words), or undefined when a daemon answers. */
export async function engineDown(): Promise<string | undefined> {
  return docker('info').then(
    () => undefined,
    (error: Error & { stderr?: string }) => (error.stderr || error.message).trim().split('\n').at(-1),
  );
}

/** The base image scripts/base-image.sh makes (or finds) without Docker Hub: its last stdout line. */
export async function localBaseImage(): Promise<string> {
  const { stdout } = await exec('bash', [join(repoRoot, 'scripts', 'base-image.sh')], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim().split('\n').at(-1)!;
}

/** `npm run image` on the local base, as TEST_IMAGE; a rebuild with nothing changed takes seconds. */
export async function buildTestImage(): Promise<string> {
  await npmRun('image', [], { BASE_IMAGE: await localBaseImage(), MODEL_RUNNER_IMAGE: TEST_IMAGE });
  return TEST_IMAGE;
}

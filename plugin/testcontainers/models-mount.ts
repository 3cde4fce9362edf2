import { isAbsolute } from 'node:path';
import type { MountSettings } from 'dockerode';
import { MODELS_PATH } from '../../src/docker/runner-container.js';
import { RunnerError } from '../../src/shared/errors.js';

/** Docker's rule for a local volume's name. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * A models cache shared between containers: a named volume, made on first use from the image's
 * /models and so writable by the runner, or a host directory, which must exist (a bind mount
 * would create it as root) and be writable by the image's user. A mount rather than a bind
 * string: a path with a colon stays one path.
 */
export function sharedModelsMount(source: string): MountSettings {
  if (isAbsolute(source)) return { Type: 'bind', Source: source, Target: MODELS_PATH };
  if (VOLUME_NAME.test(source)) return { Type: 'volume', Source: source, Target: MODELS_PATH };
  throw new RunnerError('invalid_request', `withModelsFrom takes a volume name or an absolute host directory, got "${source}"`);
}

/**
 * The container's own store, gone with it: a tmpfs (no volume, anonymous or named, to leave
 * behind) owned by the runner's user. Not mode=1777: a tmpfs over a directory of the image takes
 * that directory's mode (measured on Engine 20.10: root, 0755, whatever the mode asked). No size:
 * the kernel's default, half the memory.
 */
export function modelsTmpfs(owner: { uid: number; gid: number }): Record<string, string> {
  return { [MODELS_PATH]: `rw,uid=${owner.uid},gid=${owner.gid}` };
}

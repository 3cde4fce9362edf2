import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a lock. A PID means something only to processes in the same PID namespace of the
 * same boot: containers sharing a volume each have their own, so both are recorded with it.
 */
export interface ProcessIdentity {
  pid: number;
  hostname: string;
  /** The kernel's boot id (Linux); absent where it cannot be read. */
  boot?: string;
  /** This process's PID namespace, e.g. `pid:[4026531836]` (Linux); absent where it cannot be read. */
  pidNamespace?: string;
}

function readOrUndefined(read: () => string): string | undefined {
  try {
    return read().trim() || undefined;
  } catch {
    return undefined;
  }
}

let current: ProcessIdentity | undefined;

export function currentProcessIdentity(): ProcessIdentity {
  current ??= {
    pid: process.pid,
    hostname: hostname(),
    boot: readOrUndefined(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: readOrUndefined(() => readlinkSync('/proc/self/ns/pid')),
  };
  return current;
}

/**
 * True only when `other` ran in this PID namespace on this boot and its process is gone. Anything
 * else (another container, a PID reused since) cannot be told from here and counts as alive.
 */
export function isKnownDead(other: Partial<ProcessIdentity>): boolean {
  const self = currentProcessIdentity();
  if (self.boot === undefined || self.pidNamespace === undefined) return false;
  if (other.boot !== self.boot || other.pidNamespace !== self.pidNamespace) return false;
  if (typeof other.pid !== 'number' || !Number.isInteger(other.pid) || other.pid <= 0 || other.pid === self.pid) return false;
  try {
    process.kill(other.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

import { randomBytes } from 'node:crypto';
import { rmdirSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { atExit } from '../shared/at-exit.js';
import { FileLock } from '../shared/file-lock.js';
import { once } from '../shared/once.js';
import type { Logger } from '../shared/logger.js';
import type { StoreLocks } from './store-locks.js';

const OWNER_TOKEN = /^[0-9a-f]{16}$/;
const LEADING_TOKEN = /^([0-9a-f]{16})-/;

/**
 * The owner token a name starts with (`<token>-…`, after `.tmp-` for temp files); undefined for
 * names written before tokens were, whose owner cannot be known.
 */
export function leadingOwnerToken(name: string): string | undefined {
  return LEADING_TOKEN.exec(name)?.[1];
}

const claimed = new Set<StoreOwner>();

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // other processes' locks are in it, or it is gone already
  }
}

/**
 * An orderly exit leaves no empty lock directory behind (one holding other processes' locks
 * stays). This runs after file-lock.ts's exit action, registered by the first lock before this
 * one, so the owners' own locks are gone by then.
 */
const installExitHook = once(() => atExit(() => claimed.forEach((owner) => removeIfEmpty(owner.locks.dir))));

/**
 * One open store's claim on the files it is writing: its temp files and staged imports carry its
 * token, and it holds the lock `owner-<token>` while open. Another process opening the store
 * removes such files only once their owner's lock is gone or stale.
 */
export class StoreOwner {
  #lock: FileLock;

  private constructor(
    readonly token: string,
    lock: FileLock,
    readonly locks: StoreLocks,
    readonly logger: Logger,
  ) {
    this.#lock = lock;
    this.#watch();
    claimed.add(this);
    installExitHook();
  }

  static async claim(locks: StoreLocks, logger: Logger): Promise<StoreOwner> {
    const token = randomBytes(8).toString('hex');
    const lock = await FileLock.acquire(locks.path(`owner-${token}`), { staleMs: locks.staleMs });
    return new StoreOwner(token, lock, locks, logger);
  }

  /** A claim lost (this process stalled past the stale time) is claimed again, so our files are ours again. */
  #watch(): void {
    this.#lock.lost.addEventListener('abort', () => {
      this.logger.warn({ token: this.token }, 'store owner lock lost; claiming it again');
      FileLock.tryAcquire(this.#lock.path, this.locks.staleMs).then(
        (lock) => {
          if (!lock) return;
          this.#lock = lock;
          this.#watch();
        },
        (error: unknown) => this.logger.warn({ err: error }, 'store owner lock could not be claimed again'),
      );
    }, { once: true });
  }

  /** Whether the files of the owner with this token may still be in use. */
  async isAlive(token: string): Promise<boolean> {
    return token === this.token || (OWNER_TOKEN.test(token) && (await this.locks.isHeld(`owner-${token}`)));
  }

  /** Ends the claim; the lock directory goes too when no other lock is in it (another user makes it again). */
  async release(): Promise<void> {
    claimed.delete(this);
    await this.#lock.release();
    await rmdir(this.locks.dir).catch(() => undefined);
  }
}

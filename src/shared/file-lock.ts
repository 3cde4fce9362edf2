import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { atExit } from './at-exit.js';
import { once } from './once.js';
import { currentProcessIdentity, isKnownDead, type ProcessIdentity } from './process-identity.js';

/** A lock file untouched this long is abandoned; its holder touches it every quarter of it. */
export const DEFAULT_STALE_MS = 10_000;
const FIRST_RETRY_MS = 10;
const MAX_RETRY_MS = 250;

export interface FileLockOptions {
  staleMs?: number;
  /** Stops waiting for the lock (the wait rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** What a lock file holds: its holder, and a nonce that tells this holding from any other. */
interface LockRecord extends ProcessIdentity {
  nonce: string;
}

export type LockState = { held: false } | { held: true; stale: boolean; content: string };

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function parseRecord(content: string): Partial<LockRecord> {
  try {
    return JSON.parse(content) as Partial<LockRecord>;
  } catch {
    return {};
  }
}

/**
 * Whether a lock is held, and whether its holder is gone: its file was not touched for `staleMs`,
 * or its holder was a process of this PID namespace that no longer exists. Content and age are
 * read through one handle, so they describe the same holding.
 */
export async function inspectLock(path: string, staleMs = DEFAULT_STALE_MS): Promise<LockState> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { held: false };
    throw error;
  }
  try {
    const [info, content] = [await handle.stat(), await handle.readFile('utf8')];
    const stale = Date.now() - info.mtimeMs > staleMs || isKnownDead(parseRecord(content));
    return { held: true, stale, content };
  } finally {
    await handle.close();
  }
}

/**
 * Removes the holding whose file had `content`. The file is first moved aside, which only one
 * breaker can do; a fresher holding moved by mistake (taken in the meantime) is put back.
 */
async function breakHolding(path: string, content: string): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    if ((await readFile(aside, 'utf8')) !== content) await link(aside, path).catch(() => undefined);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/** Removes the lock at `path` when its holder is gone; true when there is no live holder left. */
export async function breakStaleLock(path: string, staleMs = DEFAULT_STALE_MS): Promise<boolean> {
  const state = await inspectLock(path, staleMs);
  if (state.held && !state.stale) return false;
  if (state.held) await breakHolding(path, state.content);
  return true;
}

/**
 * Writes the file a lock is linked from; a lock directory removed while empty (by its last user)
 * is made again, but not its parent: a lock in a directory tree that was deleted is refused.
 */
async function writeTemp(temp: string, content: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeFile(temp, content, { flag: 'wx', mode: 0o644 });
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' || attempt === 2) throw error;
      await mkdir(dirname(temp)).catch((mkdirError: unknown) => {
        if (errorCode(mkdirError) !== 'EEXIST') throw mkdirError;
      });
    }
  }
}

const held = new Set<FileLock>();
/** An orderly exit leaves no lock behind (a killed process leaves one that goes stale). */
const installExitHook = once(() => atExit(() => held.forEach((lock) => lock.releaseSync())));

/**
 * A lock between processes, and between containers sharing a volume: a file created with
 * `link()` (atomic, and refused when the file exists, on local and network filesystems), holding
 * its holder's identity. The holder touches it periodically; another process takes the lock over
 * once the file has gone untouched for `staleMs`, or at once when the holder was a process of its
 * own PID namespace that has died. A holder that finds its file replaced has lost the lock:
 * `lost` aborts, so the work it guards can stop.
 */
export class FileLock {
  readonly #lost = new AbortController();
  readonly #heartbeat: NodeJS.Timeout;
  #released = false;

  private constructor(
    readonly path: string,
    readonly content: string,
    staleMs: number,
  ) {
    this.#heartbeat = setInterval(() => void this.#touch(), Math.max(Math.floor(staleMs / 4), 50));
    this.#heartbeat.unref();
    held.add(this);
    installExitHook();
  }

  /** Waits until the lock is had (polling, with backoff); rejects when `signal` aborts. */
  static async acquire(path: string, options: FileLockOptions = {}): Promise<FileLock> {
    let delay = FIRST_RETRY_MS;
    for (;;) {
      options.signal?.throwIfAborted();
      const lock = await FileLock.tryAcquire(path, options.staleMs);
      if (lock) return lock;
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /** The lock if it is free or its holder is gone, else undefined. */
  static async tryAcquire(path: string, staleMs = DEFAULT_STALE_MS): Promise<FileLock | undefined> {
    const nonce = randomBytes(8).toString('hex');
    const content = JSON.stringify({ ...currentProcessIdentity(), nonce } satisfies LockRecord);
    const temp = `${path}.${nonce}.tmp`;
    await writeTemp(temp, content);
    try {
      // A stale holding broken, the link is tried again; another taker may have been faster.
      for (let attempt = 0; attempt < 2; attempt++) {
        const now = new Date();
        await utimes(temp, now, now);
        try {
          await link(temp, path);
          return new FileLock(path, content, staleMs);
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error;
        }
        const state = await inspectLock(path, staleMs);
        if (state.held && !state.stale) return undefined;
        if (state.held) await breakHolding(path, state.content);
      }
      return undefined;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  async #touch(): Promise<void> {
    if (this.#released) return;
    try {
      if ((await readFile(this.path, 'utf8')) !== this.content) return this.#lose();
      const now = new Date();
      if (!this.#released) await utimes(this.path, now, now);
    } catch (error) {
      // A passing I/O error is tried again at the next beat; a vanished file is a lost lock.
      if (errorCode(error) === 'ENOENT') this.#lose();
    }
  }

  #lose(): void {
    if (this.#released) return;
    this.#stop();
    this.#lost.abort(new Error(`lock ${this.path} was taken over by another process`));
  }

  #stop(): void {
    this.#released = true;
    clearInterval(this.#heartbeat);
    held.delete(this);
  }

  /** Lets go; a holding taken over meanwhile is left to its new holder. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#stop();
    try {
      if ((await readFile(this.path, 'utf8')) === this.content) await unlink(this.path);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  releaseSync(): void {
    if (this.#released) return;
    this.#stop();
    try {
      if (readFileSync(this.path, 'utf8') === this.content) unlinkSync(this.path);
    } catch {
      // gone already, or the process is exiting: nothing more to do
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

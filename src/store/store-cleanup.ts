import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { breakStaleLock } from '../shared/file-lock.js';
import type { Logger } from '../shared/logger.js';
import { TEMP_PREFIX } from './atomic-file.js';
import type { StoreLayout } from './store-layout.js';
import type { StoreLocks } from './store-locks.js';
import { leadingOwnerToken, type StoreOwner } from './store-owner.js';

const STALE_DOWNLOAD_MS = 7 * 24 * 60 * 60 * 1000;
const INCOMPLETE = '.incomplete';

export interface LeftoverScope {
  layout: StoreLayout;
  locks: StoreLocks;
  /** The store doing the clean-up; it decides whether another owner's files are still in use. */
  owner: StoreOwner;
  logger: Logger;
  now?: number;
}

type Liveness = (token: string | undefined) => Promise<boolean>;

/** Whether a file's owner may still use it, asked once per owner; a file without a token has no owner left. */
function liveness(owner: StoreOwner): Liveness {
  const known = new Map<string, Promise<boolean>>();
  return async (token) => {
    if (token === undefined) return false;
    if (!known.has(token)) known.set(token, owner.isAlive(token));
    return known.get(token) ?? false;
  };
}

async function removeStagedImports({ layout, logger }: LeftoverScope, isAlive: Liveness): Promise<void> {
  const names = await readdir(layout.stagingDir).catch(() => []);
  for (const name of names) {
    if (await isAlive(leadingOwnerToken(name))) continue;
    logger.debug({ path: join(layout.stagingDir, name) }, 'removing leftover staged import');
    await rm(join(layout.stagingDir, name), { recursive: true, force: true });
  }
  // Left while a live import has its directory in it.
  await rmdir(layout.stagingDir).catch(() => undefined);
}

async function removeDeadLocks({ locks, now = Date.now() }: LeftoverScope): Promise<void> {
  for (const name of await readdir(locks.dir)) {
    const path = join(locks.dir, name);
    if (name.endsWith('.lock')) await breakStaleLock(path, locks.staleMs);
    // A lock's own temp files live for a moment: an old one was left by a crash.
    else if (now - ((await stat(path).catch(() => undefined))?.mtimeMs ?? now) > locks.staleMs) await rm(path, { force: true });
  }
}

/**
 * What a crash can leave behind: temp files of atomic writes, staged imports, partial downloads
 * and locks. Other processes (other containers on the same volume) may be using the store, so
 * only what no live process owns goes: temp files and staged imports whose owner's lock is gone
 * or stale, partial downloads older than a week (as DMR keeps them for resuming) that nobody is
 * downloading, and locks whose holder is gone.
 */
export async function removeLeftovers(scope: LeftoverScope): Promise<void> {
  const { layout, locks, logger, now = Date.now() } = scope;
  const isAlive = liveness(scope.owner);
  await removeStagedImports(scope, isAlive);
  for (const dir of [layout.root, layout.blobsDir, layout.manifestsDir, layout.bundlesDir]) {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      if (name.startsWith(TEMP_PREFIX)) {
        if (await isAlive(leadingOwnerToken(name.slice(TEMP_PREFIX.length)))) continue;
        logger.debug({ path }, 'removing leftover temp file');
        await rm(path, { recursive: true, force: true });
      } else if (name.endsWith(INCOMPLETE) && now - ((await stat(path).catch(() => undefined))?.mtimeMs ?? now) > STALE_DOWNLOAD_MS) {
        if (await locks.isHeld(`blob-${name.slice(0, -INCOMPLETE.length)}`)) continue;
        logger.info({ path }, 'removing stale partial download');
        await rm(path, { force: true });
      }
    }
  }
  await removeDeadLocks(scope);
}

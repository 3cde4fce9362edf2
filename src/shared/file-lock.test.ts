import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLock, breakStaleLock, inspectLock } from './file-lock.js';
import { currentProcessIdentity } from './process-identity.js';

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-lock-'));
  path = join(dir, 'thing.lock');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A lock file as another process would have left it. */
async function foreignLock(record: object, ageMs = 0): Promise<void> {
  await writeFile(path, JSON.stringify({ hostname: 'elsewhere', nonce: 'feedfeedfeedfeed', ...record }));
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid ?? 0;
}

describe('FileLock', () => {
  it('lets one holder in at a time and leaves no file once released', async () => {
    const first = await FileLock.tryAcquire(path);
    expect(first).toBeDefined();
    expect(await FileLock.tryAcquire(path)).toBeUndefined();
    const waiting = FileLock.acquire(path);
    await sleep(100);
    await first!.release();
    const second = await waiting;
    await second.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('records who holds it: the PID with its namespace and boot, which alone do not tell containers apart', async () => {
    const lock = await FileLock.acquire(path);
    const record = JSON.parse(await readFile(path, 'utf8'));
    expect(record).toMatchObject({ pid: process.pid, boot: currentProcessIdentity().boot, pidNamespace: currentProcessIdentity().pidNamespace });
    await lock.release();
  });

  it('keeps a held lock fresh past its stale time', async () => {
    const lock = await FileLock.acquire(path, { staleMs: 400 });
    await sleep(1200);
    expect(await inspectLock(path, 400)).toMatchObject({ held: true, stale: false });
    expect(await FileLock.tryAcquire(path, 400)).toBeUndefined();
    expect(lock.lost.aborted).toBe(false);
    await lock.release();
  });

  it('takes over at once a lock whose holder was a process of this PID namespace that has died', async () => {
    const { boot, pidNamespace } = currentProcessIdentity();
    await foreignLock({ pid: deadPid(), boot, pidNamespace });
    const lock = await FileLock.tryAcquire(path, 60_000);
    expect(lock).toBeDefined();
    await lock!.release();
  });

  it('waits for the heartbeat of a holder in another PID namespace to go stale before taking over', async () => {
    const { boot } = currentProcessIdentity();
    // PID 1 of another namespace: alive or not, nothing here can tell.
    await foreignLock({ pid: deadPid(), boot, pidNamespace: 'pid:[1]' });
    expect(await FileLock.tryAcquire(path, 1000)).toBeUndefined();
    const started = Date.now();
    const lock = await FileLock.acquire(path, { staleMs: 1000 });
    expect(Date.now() - started).toBeGreaterThan(700);
    await lock.release();
  });

  it('tells its holder through `lost` when another process took it over', async () => {
    const lock = await FileLock.acquire(path, { staleMs: 400 });
    await foreignLock({ pid: 1, pidNamespace: 'pid:[1]' });
    await sleep(300);
    expect(lock.lost.aborted).toBe(true);
    await lock.release();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ hostname: 'elsewhere' });
  });

  it('stops waiting when its signal aborts', async () => {
    const held = await FileLock.acquire(path);
    await expect(FileLock.acquire(path, { signal: AbortSignal.timeout(100) })).rejects.toThrow(/timed? ?out|aborted/i);
    await held.release();
  });

  it('breaks only a stale lock', async () => {
    await foreignLock({ pid: 1, pidNamespace: 'pid:[1]' });
    expect(await breakStaleLock(path, 1000)).toBe(false);
    await foreignLock({ pid: 1, pidNamespace: 'pid:[1]' }, 2000);
    expect(await breakStaleLock(path, 1000)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });
});

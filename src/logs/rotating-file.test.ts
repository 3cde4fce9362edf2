import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogCursor } from './log-cursor.js';
import { RotatingFile } from './rotating-file.js';

describe('a rotating log file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rotating-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('moves itself to .1 before a write would pass the size limit, keeps two old files and drops the oldest', async () => {
    const path = join(dir, 'inference.log');
    const file = new RotatingFile(path, { maxBytes: 100, keep: 2 });
    const line = (n: number) => `line ${String(n).padStart(3, '0')} ${'x'.repeat(30)}\n`; // 40 bytes
    for (let n = 0; n < 10; n++) file.write(line(n));
    file.close();
    expect((await readdir(dir)).sort()).toEqual(['inference.log', 'inference.log.1', 'inference.log.2']);
    // 100 bytes hold two lines: 0-1 went with the oldest file, 2-3 and 4-5 and 6-7 rotated, 8-9 current.
    expect(await readFile(path, 'utf8')).toBe(line(8) + line(9));
    expect(await readFile(`${path}.1`, 'utf8')).toBe(line(6) + line(7));
    expect(await readFile(`${path}.2`, 'utf8')).toBe(line(4) + line(5));
    for (const name of await readdir(dir)) expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(100);
  });

  it('goes on from the size an existing file has, and writes a line longer than the limit whole', async () => {
    const path = join(dir, 'engine.log');
    new RotatingFile(path, { maxBytes: 50, keep: 1 }).write('a'.repeat(40) + '\n');
    const file = new RotatingFile(path, { maxBytes: 50, keep: 1 });
    file.write(`${'b'.repeat(80)}\n`);
    file.close();
    expect(await readFile(`${path}.1`, 'utf8')).toBe(`${'a'.repeat(40)}\n`);
    expect(await readFile(path, 'utf8')).toBe(`${'b'.repeat(80)}\n`);
  });

  it('is read by a follower line by line across rotations, none lost or read twice', async () => {
    const path = join(dir, 'inference.log');
    const file = new RotatingFile(path, { maxBytes: 64, keep: 2 });
    file.write('first\n');
    const cursor = (await LogCursor.open(path))!;
    const seen: string[] = [];
    seen.push(...(await cursor.lines()));
    for (let n = 0; n < 30; n++) {
      file.write(`line ${n} ${'y'.repeat(20)}\n`);
      // Read as often as a follower polls: a file rotates at most once in between.
      if (n % 2 === 1) seen.push(...(await cursor.lines()));
    }
    // A partial line is held back until its newline comes.
    file.write('last, unterminated');
    seen.push(...(await cursor.lines()));
    file.close();
    await cursor.close();
    expect(seen).toEqual(['first', ...Array.from({ length: 30 }, (_, n) => `line ${n} ${'y'.repeat(20)}`)]);
  });
});

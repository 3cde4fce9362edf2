import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import { plainProgress } from './plain-progress.js';

function update(id: string, current: number, size: number, total: number): ProgressMessage {
  return { type: 'progress', message: '', total, layer: { id, size, current }, mode: 'pull' };
}

function written(out: PassThrough): string {
  return (out.read() as Buffer | null)?.toString() ?? '';
}

describe('progress on a pipe', () => {
  it('prints one line per update with the bytes of every layer so far, in decimal units with two decimals', () => {
    const out = new PassThrough();
    const display = plainProgress(out, 'pull');
    display.show(update('sha256:a', 1_000_000, 2_000_000, 3_500_000));
    display.show(update('sha256:b', 500_000, 1_500_000, 3_500_000));
    display.show(update('sha256:a', 2_000_000, 2_000_000, 3_500_000));
    display.close();
    expect(written(out)).toBe('Downloaded 1.00MB of 3.50MB\nDownloaded 1.50MB of 3.50MB\nDownloaded 2.50MB of 3.50MB\n');
  });

  it('says Uploaded for a push', () => {
    const out = new PassThrough();
    plainProgress(out, 'push').show(update('sha256:a', 999, 999, 999));
    expect(written(out)).toBe('Uploaded 999.00B of 999.00B\n');
  });
});

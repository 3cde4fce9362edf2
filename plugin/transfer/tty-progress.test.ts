import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import { ttyProgress } from './tty-progress.js';

function terminal(columns: number): PassThrough & { isTTY: boolean; columns: number } {
  return Object.assign(new PassThrough(), { isTTY: true, columns });
}

function update(id: string, current: number, size: number): ProgressMessage {
  return { type: 'progress', message: '', total: 0, layer: { id, size, current }, mode: 'pull' };
}

const first = `sha256:${'1'.repeat(64)}`;
const second = `sha256:${'2'.repeat(64)}`;

describe('progress on a terminal', () => {
  it('keeps one row per layer, redrawn in place, and leaves the final state on screen', async () => {
    const out = terminal(160);
    const display = ttyProgress(out, 'pull');
    display.show(update(first, 0, 4_000_000));
    display.show(update(second, 1_000_000, 2_000_000));
    // Past cli-progress's redraw interval, so the rows are drawn and then drawn over.
    await sleep(150);
    display.show(update(first, 4_000_000, 4_000_000));
    display.show(update(second, 2_000_000, 2_000_000));
    display.show({ ...update('', 5, 10), layer: { size: 10, current: 5 } });
    display.close();
    const screen = (out.read() as Buffer).toString();
    expect(screen).toContain('\x1b[?25l');
    expect(screen).toContain('111111111111: Waiting');
    expect(screen).toContain(`222222222222: Downloading   [${'='.repeat(25)}>${' '.repeat(25)}]      1MB/2MB`);
    expect(screen).toContain('\x1b[1A');
    expect(screen).toContain(`111111111111: Pull complete [${'='.repeat(50)}>]      4MB/4MB`);
    expect(screen).toContain(`222222222222: Pull complete [${'='.repeat(50)}>]      2MB/2MB`);
    expect(screen.endsWith('\n')).toBe(true);
  });

  it('writes nothing when no layer reported, as for a model already pulled', () => {
    const out = terminal(160);
    const display = ttyProgress(out, 'push');
    display.close();
    expect(out.read()).toBeNull();
  });
});

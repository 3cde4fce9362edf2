import { describe, expect, it } from 'vitest';
import { layerLine, shortLayerId } from './layer-line.js';

const id = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe("a layer's row in the terminal display", () => {
  it('names the layer by the first 12 hex digits of its id', () => {
    expect(shortLayerId(id)).toBe('0123456789ab');
    expect(shortLayerId('abc')).toBe('abc');
  });

  it('waits, downloads with a bar on a wide terminal, then completes, statuses padded to one column', () => {
    expect(layerLine({ id, mode: 'pull', current: 0, size: 4_000_000 }, 160)).toBe('0123456789ab: Waiting');
    expect(layerLine({ id, mode: 'pull', current: 1_000_000, size: 4_000_000 }, 160)).toBe(`0123456789ab: Downloading   [${'='.repeat(12)}>${' '.repeat(38)}]      1MB/4MB`);
    expect(layerLine({ id, mode: 'pull', current: 4_000_000, size: 4_000_000 }, 160)).toBe(`0123456789ab: Pull complete [${'='.repeat(50)}>]      4MB/4MB`);
  });

  it('leaves the bar out on a terminal of 110 columns or fewer, as Docker does', () => {
    expect(layerLine({ id, mode: 'pull', current: 1_234_567, size: 25_100_000 }, 110)).toBe('0123456789ab: Downloading    1.235MB/25.1MB');
  });

  it('says Uploading and Push complete for a push', () => {
    expect(layerLine({ id, mode: 'push', current: 512, size: 1024 }, 80)).toBe('0123456789ab: Uploading         512B/1.024kB');
    expect(layerLine({ id, mode: 'push', current: 1024, size: 1024 }, 80)).toBe('0123456789ab: Push complete  1.024kB/1.024kB');
  });
});

import type { ProgressMessage } from '../api/dmr-types.js';

const MIN_INTERVAL_MS = 100;
const MIN_BYTES = 1024 * 1024;

export type ProgressMode = 'pull' | 'push';

/** Bytes in MiB with two decimals, as DMR's progress messages print them (it labels them MB). */
export function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(2);
}

/**
 * DMR's progress lines (reference §2.1): one stream per layer, interleaved, each updated at most
 * every 100 ms unless another MiB went by, and always when the layer completes.
 */
export class ProgressReporter {
  constructor(
    readonly mode: ProgressMode,
    readonly total: number,
    readonly emit: (message: ProgressMessage) => void,
  ) {}

  layer(id: string, size: number): (current: number) => void {
    let lastTime = 0;
    let lastBytes = -1;
    return (current) => {
      const now = Date.now();
      const due = current === size || now - lastTime >= MIN_INTERVAL_MS || current - lastBytes >= MIN_BYTES;
      if (!due || current === lastBytes) return;
      lastTime = now;
      lastBytes = current;
      const verb = this.mode === 'pull' ? 'Downloaded' : 'Uploaded';
      this.emit({
        type: 'progress',
        message: `${verb}: ${mebibytes(current)} MB`,
        total: this.total,
        layer: { id, size, current },
        mode: this.mode,
      });
    };
  }

}

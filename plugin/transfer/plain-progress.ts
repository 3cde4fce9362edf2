import type { ProgressMessage } from '../../src/api/dmr-types.js';
import { fixedSize } from '../output/go-units.js';
import type { ProgressDisplay } from './progress-display.js';
import type { TransferMode } from './transfer-request.js';

/**
 * Progress for a pipe, as DMR's CLI prints it there: one `Downloaded X of Y` line per update,
 * X summed over the layers. Compose drives its spinner with these lines, so each update is a line.
 * DMR says "Downloaded" for pushes too; a push says "Uploaded" here.
 */
export function plainProgress(out: NodeJS.WritableStream, mode: TransferMode): ProgressDisplay {
  const layers = new Map<string, number>();
  const verb = mode === 'push' ? 'Uploaded' : 'Downloaded';
  return {
    show(message: ProgressMessage) {
      layers.set(message.layer.id ?? '', message.layer.current);
      const current = [...layers.values()].reduce((sum, bytes) => sum + bytes, 0);
      out.write(`${verb} ${fixedSize(current)} of ${fixedSize(message.total)}\n`);
    },
    close: () => undefined,
  };
}

import cliProgress from 'cli-progress';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import { layerLine, type LayerState } from './layer-line.js';
import type { ProgressDisplay } from './progress-display.js';
import type { TransferMode } from './transfer-request.js';

type LayerPayload = Pick<LayerState, 'id' | 'mode'>;

/**
 * Docker-style progress on a terminal: one row per layer in the order the layers first report,
 * redrawn in place by cli-progress. Messages without a layer id (Hugging Face's file listing)
 * have no row, as in DMR's CLI.
 */
export function ttyProgress(out: NodeJS.WritableStream, mode: TransferMode): ProgressDisplay {
  const bars = new cliProgress.MultiBar({
    stream: out,
    hideCursor: true,
    format: (_options, params, payload: LayerPayload) => layerLine({ ...payload, current: params.value, size: params.total }, params.maxWidth),
  });
  const rows = new Map<string, cliProgress.SingleBar>();
  return {
    show({ layer }: ProgressMessage) {
      if (!layer.id) return;
      const row = rows.get(layer.id);
      if (row) return row.update(layer.current);
      rows.set(layer.id, bars.create(layer.size, layer.current, { id: layer.id, mode } satisfies LayerPayload));
    },
    close() {
      // With no row drawn, stopping would still print a newline.
      if (rows.size > 0) bars.stop();
    },
  };
}

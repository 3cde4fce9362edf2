import { humanSize } from '../output/go-units.js';
import type { TransferMode } from './transfer-request.js';

export interface LayerState {
  /** The layer's id as the runner sends it (`sha256:<hex>`). */
  id: string;
  mode: TransferMode;
  current: number;
  size: number;
}

/** DMR pads every status to the longest, so the bars of all layers start in one column. */
const STATUS_WIDTH = 'Pull complete'.length;
/** Docker draws the bar only on terminals wider than this. */
const BAR_MIN_WIDTH = 110;
const BAR_CELLS = 50;

/** The id Docker shows: the hex without `sha256:`, cut to 12 characters. */
export function shortLayerId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

function layerStatus({ mode, current, size }: LayerState): string {
  if (current === 0) return 'Waiting';
  if (current < size) return mode === 'push' ? 'Uploading' : 'Downloading';
  return mode === 'push' ? 'Push complete' : 'Pull complete';
}

/** Docker's JSONProgress.String() without a start time: `[====>   ]  1.2MB/3.4MB`. */
function progressBox(current: number, size: number, width: number): string {
  const filled = Math.min(BAR_CELLS, Math.trunc(Math.trunc((current / size) * 100) / 2));
  const bar = width > BAR_MIN_WIDTH ? `[${'='.repeat(filled)}>${' '.repeat(BAR_CELLS - filled)}] ` : '';
  const numbers = current > size ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(size)}`;
  return bar + numbers;
}

/**
 * One layer's row of DMR's terminal display, as Docker's jsonmessage renders what DMR's CLI feeds
 * it: `<short id>: <status> <bar and sizes>`, with no sizes while the layer waits.
 */
export function layerLine(layer: LayerState, width: number): string {
  const status = layerStatus(layer);
  if (status === 'Waiting') return `${shortLayerId(layer.id)}: ${status}`;
  return `${shortLayerId(layer.id)}: ${status.padEnd(STATUS_WIDTH)} ${progressBox(layer.current, layer.size, width)}`;
}

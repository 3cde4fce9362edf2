import type { ProgressMode } from './progress-reporter.js';
import type { ProgressWork } from './progress-operation.js';

/** Told how pulls and pushes go: the bytes they move, as they move them, and the ones that fail. */
export interface TransferMeter {
  transferred(mode: ProgressMode, model: string, bytes: number): void;
  failed(mode: ProgressMode, model: string): void;
}

/**
 * The work, metered by its own progress lines. Each layer's first line is where it starts (0, what
 * a resumed download already had, or all of a blob the other side already has), so only bytes that
 * really travel are counted; later lines are cumulative.
 */
export function meteredWork(work: ProgressWork, meter: TransferMeter, mode: ProgressMode, model: string): ProgressWork {
  return async (emit, signal) => {
    const reached = new Map<string, number>();
    try {
      return await work((message) => {
        const { id, current } = message.layer;
        if (message.type === 'progress' && id !== undefined) {
          const previous = reached.get(id);
          reached.set(id, current);
          if (previous !== undefined && current > previous) meter.transferred(mode, model, current - previous);
        }
        emit(message);
      }, signal);
    } catch (error) {
      meter.failed(mode, model);
      throw error;
    }
  };
}

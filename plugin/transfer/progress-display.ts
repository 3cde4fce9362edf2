import type { ProgressMessage } from '../../src/api/dmr-types.js';

/** Where one attempt's progress messages are shown; closed before anything else is printed. */
export interface ProgressDisplay {
  show(message: ProgressMessage): void;
  close(): void;
}

/** `--quiet`: the transfer runs, nothing of its progress is shown. */
export const silentDisplay: ProgressDisplay = { show: () => undefined, close: () => undefined };

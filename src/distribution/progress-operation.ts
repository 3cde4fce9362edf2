import type { ProgressMessage } from '../api/dmr-types.js';
import { Broadcast } from '../shared/broadcast.js';
import { RunnerError } from '../shared/errors.js';
import type { ProgressMode } from './progress-reporter.js';

export type ProgressWork = (emit: (message: ProgressMessage) => void, signal: AbortSignal) => Promise<string>;

/**
 * A pull or push streamed to its clients: progress lines while it works, then DMR's last line:
 * `success` with the work's message, or `error` with `Error: <why>`. It is cancelled when every
 * client has gone.
 */
export class ProgressOperation {
  readonly #controller = new AbortController();
  readonly broadcast: Broadcast<ProgressMessage>;

  constructor(readonly mode: ProgressMode) {
    this.broadcast = new Broadcast({ onAbandoned: () => this.#controller.abort(new RunnerError('internal', `${mode} cancelled: every client disconnected`)) });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Never rejects: a failure becomes the stream's error line, and is returned for logging. */
  async run(work: ProgressWork): Promise<unknown> {
    try {
      const message = await work((line) => this.broadcast.publish(line), this.signal);
      this.broadcast.end(this.#final('success', message));
      return undefined;
    } catch (error) {
      this.broadcast.end(this.#final('error', `Error: ${error instanceof Error ? error.message : String(error)}`));
      return error;
    }
  }

  #final(type: 'success' | 'error', message: string): ProgressMessage {
    return { type, message, total: 0, layer: { size: 0, current: 0 }, mode: this.mode };
  }
}

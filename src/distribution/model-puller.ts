import type { ProgressMessage } from '../api/dmr-types.js';
import { abortable } from '../shared/abort.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { Logger } from '../shared/logger.js';
import { Semaphore } from '../shared/semaphore.js';
import { formatModelTag, parseModelName } from '../store/model-reference.js';
import { ProgressOperation } from './progress-operation.js';
import { preparePull, type PreparedPull, type PullDeps } from './pull-model.js';
import { meteredWork, type TransferMeter } from './transfer-meter.js';

/** DMR runs at most two pulls at once; more wait. */
const CONCURRENT_PULLS = 2;

interface SharedPull {
  operation: ProgressOperation;
  prepared: Promise<PreparedPull>;
}

function pullKey(reference: string): string {
  const name = parseModelName(reference);
  return name.digest ? `${name.registry}/${name.repository}@${name.digest}` : formatModelTag(name);
}

/**
 * Runs pulls: two at a time, one download per model however many clients ask for it, each
 * cancelled only when every client following it has gone (what it wrote stays, to resume).
 */
export class ModelPuller {
  readonly #slots = new Semaphore(CONCURRENT_PULLS);
  readonly #inFlight = new Map<string, SharedPull>();

  constructor(
    readonly deps: PullDeps,
    readonly logger: Logger,
    readonly background: BackgroundWork,
    readonly meter: TransferMeter,
  ) {}

  /**
   * Resolves once the manifest is fetched and checked (so its failures carry their status code),
   * with the progress lines to stream.
   */
  async pull(reference: string, bearerToken: string | undefined, signal: AbortSignal): Promise<AsyncIterable<ProgressMessage>> {
    this.background.ensureOpen();
    const key = pullKey(reference);
    const running = this.#inFlight.get(key);
    // A pull that sent its last line, or was cancelled and is unwinding, has nothing more to share.
    const joinable = running && !running.operation.broadcast.ended && !running.operation.signal.aborted;
    const shared = joinable ? running : this.#start(key, reference, bearerToken);
    const subscription = shared.operation.broadcast.subscribe(signal);
    try {
      await abortable(shared.prepared, signal);
    } catch (error) {
      subscription.leave();
      throw error;
    }
    return subscription.messages;
  }

  #start(key: string, reference: string, bearerToken: string | undefined): SharedPull {
    const operation = new ProgressOperation('pull');
    const slot = this.#slots.acquire(operation.signal);
    const prepared = slot.then(() => preparePull(this.deps, reference, bearerToken, operation.signal));
    const shared: SharedPull = { operation, prepared };
    this.#inFlight.set(key, shared);
    const finished = prepared
      .then(async (pull) => {
        const failure = await operation.run(meteredWork(pull.run, this.meter, 'pull', reference));
        if (failure) this.logger.warn({ model: key, err: failure }, 'pull failed');
      })
      // The manifest could not be had (or every client left first): a pull that failed all the same.
      .catch(() => this.meter.failed('pull', reference))
      .finally(() => {
        if (this.#inFlight.get(key) === shared) this.#inFlight.delete(key);
        void slot.then((release) => release(), () => undefined);
      });
    this.background.track(finished);
    return shared;
  }
}

import type { ProgressMessage } from '../api/dmr-types.js';
import { abortable } from '../shared/abort.js';
import { BackgroundWork } from '../shared/background-work.js';
import type { Logger } from '../shared/logger.js';
import type { ModelConfigFile } from '../store/model-artifact.js';
import type { ModelStore } from '../store/model-store.js';
import { ModelPuller } from './model-puller.js';
import { ProgressOperation, type ProgressWork } from './progress-operation.js';
import { mountCandidates, preparePush, pushTarget, type PushSource } from './push-model.js';
import type { RegistryClient } from './registry-client.js';
import { fetchRemoteConfig, fetchRemoteModel } from './remote-model.js';
import { meteredWork, type TransferMeter } from './transfer-meter.js';

export interface DistributionDeps {
  store: ModelStore;
  registry: RegistryClient;
  logger: Logger;
  meter: TransferMeter;
  freeBytes?: (path: string) => Promise<number>;
}

export interface RemoteModelInfo {
  id: string;
  configFile: ModelConfigFile;
}

/** What the model routes need from registries: pull, push and remote inspection. */
export class ModelDistribution {
  readonly #puller: ModelPuller;
  readonly #background = new BackgroundWork('pulls or pushes');

  constructor(readonly deps: DistributionDeps) {
    this.#puller = new ModelPuller(deps, deps.logger, this.#background, deps.meter);
  }

  /** Refuses new pulls and pushes (503); those running go on. */
  stopAccepting(): void {
    this.#background.stopAccepting();
  }

  /** Refuses new pulls and pushes and waits until those running have finished or stopped. */
  close(): Promise<void> {
    return this.#background.close();
  }

  pull(reference: string, bearerToken: string | undefined, signal: AbortSignal): Promise<AsyncIterable<ProgressMessage>> {
    return this.#puller.pull(reference, bearerToken, signal);
  }

  /** Pushes a stored model to the registry its reference names; 400/401/404 are known before streaming. */
  async push(reference: string, bearerToken: string | undefined, signal: AbortSignal): Promise<AsyncIterable<ProgressMessage>> {
    this.#background.ensureOpen();
    const work = await this.#preparePush(reference, bearerToken, signal).catch((error: unknown) => {
      this.deps.meter.failed('push', reference);
      throw error;
    });
    return this.#stream(meteredWork(work, this.deps.meter, 'push', reference), signal);
  }

  async #preparePush(reference: string, bearerToken: string | undefined, signal: AbortSignal): Promise<ProgressWork> {
    const target = pushTarget(reference);
    const { store } = this.deps;
    const model = await store.get(reference);
    const source: PushSource = {
      manifestBytes: await store.readManifest(model.id),
      manifest: model.manifest,
      open: (digest) => (start, end) => store.readBlob(digest, { start, ...(end === undefined ? {} : { end }) }),
      mountFrom: mountCandidates(target, model.tags),
    };
    return abortable(preparePush(this.deps.registry, target, source, { bearerToken }, signal), signal);
  }

  async inspectRemote(reference: string, bearerToken: string | undefined, signal: AbortSignal): Promise<RemoteModelInfo> {
    const model = await fetchRemoteModel(this.deps.registry, reference, bearerToken, signal);
    return { id: model.id, configFile: (await fetchRemoteConfig(model, signal)).file };
  }

  #stream(work: ProgressWork, signal: AbortSignal): AsyncIterable<ProgressMessage> {
    const operation = new ProgressOperation('push');
    const { messages } = operation.broadcast.subscribe(signal);
    this.#background.track(
      operation.run(work).then((failure) => {
        if (failure) this.deps.logger.warn({ err: failure }, 'push failed');
      }),
    );
    return messages;
  }
}

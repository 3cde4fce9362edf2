import { statfs } from 'node:fs/promises';
import { RunnerError, isRunnerError } from '../shared/errors.js';
import { fileSize } from '../shared/file-size.js';
import { settleAll } from '../shared/settle-all.js';
import type { ModelStore } from '../store/model-store.js';
import { downloadBlob } from './download-blob.js';
import type { ProgressWork } from './progress-operation.js';
import { ProgressReporter, mebibytes } from './progress-reporter.js';
import type { RegistryClient } from './registry-client.js';
import { fetchRemoteConfig, fetchRemoteModel, type RemoteModel } from './remote-model.js';

export interface PullDeps {
  registry: RegistryClient;
  store: ModelStore;
  /** Bytes free for the store's blobs; a parameter so the refusal can be tested without filling a disk. */
  freeBytes?: (path: string) => Promise<number>;
}

/** A pull whose manifest is fetched and checked; `run` transfers and commits it. */
export interface PreparedPull {
  model: RemoteModel;
  /** Transfers and commits the model; resolves to the success line's message. */
  run: ProgressWork;
}

async function statfsFreeBytes(path: string): Promise<number> {
  const info = await statfs(path);
  return info.bavail * info.bsize;
}

async function checkDiskSpace(deps: PullDeps, model: RemoteModel): Promise<void> {
  const { layout } = deps.store;
  let needed = 0;
  for (const layer of model.manifest.layers) {
    const have = (await fileSize(layout.blob(layer.digest))) ?? (await fileSize(`${layout.blob(layer.digest)}.incomplete`)) ?? 0;
    needed += Math.max(layer.size - have, 0);
  }
  const free = await (deps.freeBytes ?? statfsFreeBytes)(layout.blobsDir);
  if (needed > free) {
    throw new RunnerError('internal', `not enough disk space to pull ${model.tag ?? model.id}: it needs ${mebibytes(needed)} MiB more, ${mebibytes(free)} MiB are free in ${layout.root}`);
  }
}

async function transfer(deps: PullDeps, model: RemoteModel, reporter: ProgressReporter, signal: AbortSignal): Promise<void> {
  const { bytes: configBytes } = await fetchRemoteConfig(model, signal);
  await checkDiskSpace(deps, model);
  const layers = [...new Map(model.manifest.layers.map((layer) => [layer.digest, layer])).values()];
  await settleAll(
    layers,
    (layer, layerSignal) => deps.store.writingBlob(layer.digest, (signal) => downloadBlob(model.repository, layer, deps.store.layout, reporter.layer(layer.digest, layer.size), signal), layerSignal),
    signal,
  );
  await deps.store.writeBlob(model.manifest.config.digest, configBytes);
  await deps.store.commit(model.manifestBytes, undefined, model.tag ? [model.tag] : []);
}

/**
 * DMR's pull (reference §2.1): the manifest decides everything that has a status code; then the
 * config, a disk-space check, the layers in parallel (resumable), and the commit — manifest and
 * index only once every blob is present and verified.
 */
export async function preparePull(deps: PullDeps, reference: string, bearerToken: string | undefined, signal: AbortSignal): Promise<PreparedPull> {
  const model = await fetchRemoteModel(deps.registry, reference, bearerToken, signal);
  return {
    model,
    async run(emit, runSignal) {
      const total = model.manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
      const reporter = new ProgressReporter('pull', total, emit);
      const stored = await deps.store.get(model.id).catch((error: unknown) => {
        if (isRunnerError(error, 'not_found')) return undefined;
        throw error;
      });
      if (stored) {
        if (model.tag) await deps.store.tag(model.id, model.tag);
        return `Using cached model: ${stored.configFile.config.size ?? `${mebibytes(total)} MiB`}`;
      }
      await transfer(deps, model, reporter, runSignal);
      return 'Model pulled successfully';
    },
  };
}

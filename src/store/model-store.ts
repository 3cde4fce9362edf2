import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { access, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeleteAction } from '../api/dmr-types.js';
import type { Logger } from '../shared/logger.js';
import { RunnerError } from '../shared/errors.js';
import { DEFAULT_STALE_MS } from '../shared/file-lock.js';
import { fsyncDirectory, writeFileAtomic } from './atomic-file.js';
import { checkArtifact } from './check-artifact.js';
import { blobDescriptors, parseManifest, parseModelConfigFile, type Manifest, type ModelConfigFile } from './model-artifact.js';
import { IndexCache } from './index-cache.js';
import { blobsOnlyUsedBy, withTag, writeIndex, type IndexEntry, type ModelIndex } from './model-index.js';
import { normalizeTag } from './model-reference.js';
import { ensureBundle, existingBundle, type ModelBundle } from './model-bundle.js';
import { planDelete, resolveByPartialName, resolveEntry } from './resolve-model.js';
import { StagedImport } from './staged-import.js';
import { StoreLayout } from './store-layout.js';
import { removeLeftovers } from './store-cleanup.js';
import { StoreLocks } from './store-locks.js';
import { StoreOwner } from './store-owner.js';

export interface StoredModel {
  id: string;
  tags: string[];
  manifest: Manifest;
  configFile: ModelConfigFile;
}

const LAYOUT = { version: '1.0.0' };

/**
 * The model store in DMR's layout. Every write is atomic, and mutations are serialised across
 * every process and container sharing the store by lock files (store-locks.ts): one for the
 * index, one per blob being downloaded, one per bundle being built.
 */
export class ModelStore {
  readonly layout: StoreLayout;
  readonly #locks: StoreLocks;
  readonly #indexCache: IndexCache;
  readonly #parsed = new Map<string, Pick<StoredModel, 'manifest' | 'configFile'>>();
  #owner!: StoreOwner;
  readonly #logger: Logger;

  private constructor(root: string, logger: Logger) {
    this.layout = new StoreLayout(root);
    this.#locks = new StoreLocks(this.layout.locksDir, DEFAULT_STALE_MS, logger);
    this.#indexCache = new IndexCache(this.layout.indexFile);
    this.#logger = logger;
  }

  static async open(root: string, logger: Logger): Promise<ModelStore> {
    const store = new ModelStore(root, logger);
    await mkdir(store.layout.locksDir, { recursive: true });
    store.#owner = await StoreOwner.claim(store.#locks, logger);
    await store.#locks.index(() => store.#initialise());
    await removeLeftovers({ layout: store.layout, locks: store.#locks, owner: store.#owner, logger });
    return store;
  }

  /** Gives up this store's claim on its files; the process's exit does it too. */
  async close(): Promise<void> {
    await this.#owner.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #initialise(): Promise<void> {
    const { layout } = this;
    const owner = this.#owner.token;
    for (const dir of [layout.blobsDir, layout.manifestsDir, layout.bundlesDir]) await mkdir(dir, { recursive: true });
    if (!(await exists(layout.layoutFile))) await writeFileAtomic(layout.layoutFile, JSON.stringify(LAYOUT), owner);
    const { version } = JSON.parse(await readFile(layout.layoutFile, 'utf8')) as { version?: string };
    if (version !== LAYOUT.version) {
      throw new RunnerError('internal', `unsupported model store layout version "${version}" in ${layout.root}`);
    }
    if (!(await exists(layout.indexFile))) await this.#writeIndex({ models: [] });
  }

  async #index(): Promise<ModelIndex> {
    return this.#indexCache.read();
  }

  /** What a read-modify-write under the index lock starts from: the file itself, never a cached copy. */
  async #indexToChange(): Promise<ModelIndex> {
    this.#indexCache.drop();
    return this.#indexCache.read();
  }

  async #writeIndex(index: ModelIndex): Promise<void> {
    this.#indexCache.drop();
    await writeIndex(this.layout.indexFile, index, this.#owner.token);
  }

  /** A manifest is stored under its own digest and names its config by digest: parsed once per id. */
  async #load(entry: IndexEntry): Promise<StoredModel> {
    let parsed = this.#parsed.get(entry.id);
    if (!parsed) {
      const manifest = parseManifest(await readFile(this.layout.manifest(entry.id)));
      const configFile = parseModelConfigFile(await readFile(this.layout.blob(manifest.config.digest)), manifest.config.mediaType);
      parsed = { manifest, configFile };
      this.#parsed.set(entry.id, parsed);
    }
    return { id: entry.id, tags: entry.tags, ...parsed };
  }

  /** Every model that can be read; a damaged entry is logged and skipped, as DMR does. */
  async list(): Promise<StoredModel[]> {
    const { models: entries } = await this.#index();
    const listed = new Set(entries.map((entry) => entry.id));
    // Models deleted since, by this process or another, leave the parsed ones here.
    for (const id of this.#parsed.keys()) if (!listed.has(id)) this.#parsed.delete(id);
    const models: StoredModel[] = [];
    for (const entry of entries) {
      try {
        models.push(await this.#load(entry));
      } catch (error) {
        this.#logger.warn({ id: entry.id, err: error }, 'skipping unreadable model');
      }
    }
    return models;
  }

  /** Looks a reference up with DMR's normalisation; throws not_found. */
  async get(reference: string): Promise<StoredModel> {
    const entry = resolveEntry(await this.#index(), reference);
    if (!entry) throw new RunnerError('not_found', 'model not found');
    return this.#load(entry);
  }

  /** `GET /models/{ref}` and tag also accept a bare repository name of any registry or namespace. */
  async getWithPartialName(reference: string): Promise<StoredModel> {
    const index = await this.#index();
    const entry = resolveEntry(index, reference) ?? resolveByPartialName(index, reference);
    if (!entry) throw new RunnerError('not_found', 'model not found');
    return this.#load(entry);
  }

  /** Only building a bundle takes its lock: every request asks for one, and nearly always it is there. */
  async bundle(model: StoredModel): Promise<ModelBundle> {
    return existingBundle(this.layout, model) ?? this.#locks.bundle(model.id, () => ensureBundle(this.layout, model, this.#owner.token));
  }

  async tag(reference: string, target: string): Promise<string> {
    const tag = normalizeTag(target);
    return this.#locks.index(async () => {
      const index = await this.#indexToChange();
      const entry = resolveEntry(index, reference) ?? resolveByPartialName(index, reference);
      if (!entry) throw new RunnerError('not_found', 'model not found');
      await this.#writeIndex(withTag(index, entry.id, tag));
      return tag;
    });
  }

  async delete(reference: string, force: boolean): Promise<DeleteAction[]> {
    return this.#locks.index(async () => {
      const index = await this.#indexToChange();
      const plan = planDelete(index, reference, force);
      await this.#writeIndex(plan.index);
      if (plan.deletedId !== undefined) await this.#removeFiles(plan.deletedId, blobsOnlyUsedBy(index, plan.deletedId));
      return plan.actions;
    });
  }

  /** Index first, files after: a crash in between leaves unreferenced files, never a dangling entry. */
  async #removeFiles(id: string, blobs: string[]): Promise<void> {
    await rm(this.layout.bundle(id), { recursive: true, force: true });
    await rm(this.layout.manifest(id), { force: true });
    for (const digest of blobs) await rm(this.layout.blob(digest), { force: true });
  }

  async purge(): Promise<void> {
    await this.#locks.index(async () => {
      const { root, layoutFile, locksDir } = this.layout;
      // The locks stay: this process holds some, and so may others that share the store.
      const entries = (await readdir(root)).filter((entry) => join(root, entry) !== locksDir);
      if (entries.length > 0 && !(await exists(layoutFile))) {
        throw new RunnerError('internal', `refusing to purge ${root}: it is not a model store`);
      }
      this.#indexCache.drop();
      for (const entry of entries) await rm(`${root}/${entry}`, { recursive: true, force: true });
      await this.#initialise();
    });
  }

  async beginImport(): Promise<StagedImport> {
    return StagedImport.create(this.layout.stagingDir, this.#owner.token);
  }

  /**
   * Commits a model whose blobs are staged or already stored: checks it whole, then moves staged
   * blobs in, writes the manifest, and only then indexes it.
   */
  async commit(manifestBytes: Uint8Array, staged: StagedImport | undefined, tags: readonly string[] = []): Promise<string> {
    const manifest = parseManifest(manifestBytes);
    const normalisedTags = tags.map(normalizeTag);
    return this.#locks.index(async () => {
      await checkArtifact(manifest, async (digest) => staged?.stagedPath(digest) ?? (await this.#storedBlob(digest)));
      for (const digest of staged?.digests ?? []) await this.#moveIn(staged?.stagedPath(digest) ?? '', digest);
      await fsyncDirectory(this.layout.blobsDir);
      const id = `sha256:${sha256Hex(manifestBytes)}`;
      await writeFileAtomic(this.layout.manifest(id), manifestBytes, this.#owner.token);
      // Read under the lock: another process may have committed since this one started.
      let index = await this.#indexToChange();
      if (!index.models.some((entry) => entry.id === id)) {
        index = { models: [...index.models, { id, tags: [], files: blobDescriptors(manifest).map((blob) => blob.digest) }] };
      }
      for (const tag of normalisedTags) index = withTag(index, id, tag);
      await this.#writeIndex(index);
      return id;
    });
  }

  async #storedBlob(digest: string): Promise<string | undefined> {
    const path = this.layout.blob(digest);
    return (await exists(path)) ? path : undefined;
  }

  async #moveIn(stagedPath: string, digest: string): Promise<void> {
    if (await this.#storedBlob(digest)) return;
    await rename(stagedPath, this.layout.blob(digest));
  }

  /**
   * Runs `write` as the only writer of this blob's files (`<hex>` and `<hex>.incomplete`) among
   * every process sharing the store; a second writer waits, then finds the blob in place or the
   * partial file to resume. `write`'s signal aborts with `signal`, or if the lock is lost.
   */
  async writingBlob<T>(digest: string, write: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#locks.blob(digest, write, signal);
  }

  /** Stores a small blob held in memory (a config) under its digest, once its bytes match it. */
  async writeBlob(digest: string, bytes: Uint8Array): Promise<void> {
    const actual = `sha256:${sha256Hex(bytes)}`;
    if (actual !== digest) throw new RunnerError('invalid_model', `blob ${digest} does not match its digest (its content is ${actual})`);
    if (!(await this.#storedBlob(digest))) await writeFileAtomic(this.layout.blob(digest), bytes, this.#owner.token);
  }

  readBlob(digest: string, range: { start?: number; end?: number } = {}): ReadStream {
    return createReadStream(this.layout.blob(digest), range);
  }

  async readManifest(id: string): Promise<Uint8Array> {
    return readFile(this.layout.manifest(id));
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

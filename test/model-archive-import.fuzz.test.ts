import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestBytes } from '../src/distribution/file-digest.js';
import { loadModelArchive } from '../src/distribution/load-model-archive.js';
import { encodeGgufHeader } from '../src/gguf/encode-gguf-header.js';
import { stringEntry } from '../src/gguf/metadata-entries.js';
import { toOpenAIModel } from '../src/server/model-views.js';
import { MediaType, SUPPORTED_CONFIG_MEDIA_TYPES, type Manifest } from '../src/store/model-artifact.js';
import { ModelStore } from '../src/store/model-store.js';
import { applyMutations, byteMutations } from './helpers/byte-mutations.js';
import { fuzzParameters } from './helpers/fuzz-runs.js';
import { applyJsonMutations, jsonMutations, type JsonMutation } from './helpers/json-mutations.js';
import { outcomeOf } from './helpers/outcome.js';
import { buildTar, type TarEntry } from './helpers/tar-builder.js';
import { snapshotTree } from './helpers/tree-snapshot.js';

/** The smallest model the store accepts: a GGUF header without tensors, a config, and a manifest naming both. */
const gguf = encodeGgufHeader([stringEntry('general.architecture', 'llama')], [], 32);
const config = { config: { format: 'gguf', architecture: 'llama' } };

function blobEntry(bytes: Uint8Array): TarEntry {
  return { name: `blobs/sha256/${digestBytes(bytes).digest.slice(7)}`, content: bytes };
}

function manifestFor(configBytes: Uint8Array, configType: string = MediaType.modelConfigV01): Manifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: configType, ...digestBytes(configBytes) },
    layers: [{ mediaType: MediaType.gguf, ...digestBytes(gguf) }],
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');

let root: string;
let store: ModelStore;
let validArchive: Buffer;
let baseline: Record<string, string>;
let baselineId: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'archive-fuzz-'));
  store = await ModelStore.open(root, pino({ level: 'silent' }));
  const configBytes = json(config);
  validArchive = await buildTar([
    { name: 'blobs', type: 'directory' },
    blobEntry(gguf),
    blobEntry(configBytes),
    { name: 'manifest.json', content: JSON.stringify(manifestFor(configBytes)) },
  ]);
  baselineId = await loadModelArchive(store, Readable.from([validArchive]));
  await store.tag(baselineId, 'ai/small');
  baseline = await snapshotTree(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Splits bytes where `cuts` say, so entries and headers straddle the chunks a request body arrives in. */
function chunked(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => (bytes.length === 0 ? 0 : cut % bytes.length)))].sort((a, b) => a - b);
  return [0, ...points].map((start, index) => bytes.subarray(start, points[index] ?? bytes.length));
}

/**
 * The property: an archive is refused with a RunnerError and the store is exactly as before, or it is
 * imported whole and the model lists. An imported model is deleted again, which must restore the store
 * (also when the check fails, so that shrinking starts from the same store).
 */
async function expectImportedOrRefused(bytes: Buffer, cuts: readonly number[] = []): Promise<void> {
  const outcome = await outcomeOf(() => loadModelArchive(store, Readable.from(chunked(bytes, cuts))));
  if ('value' in outcome) {
    try {
      expect(toOpenAIModel(await store.get(outcome.value)).created).toBeGreaterThanOrEqual(0);
    } finally {
      if (outcome.value !== baselineId) await store.delete(outcome.value, true);
    }
  }
  expect(await snapshotTree(root)).toEqual(baseline);
}

const hostileEntry: fc.Arbitrary<TarEntry> = fc.oneof(
  fc.record({ name: fc.constantFrom('../escape', '/etc/evil', 'blobs/sha256/../../x', 'blobs/other', 'blobs/sha256/ABC', 'a\u0000b', './manifest.json/'), content: fc.string({ maxLength: 8 }) }),
  fc.record({ name: fc.constantFrom('blobs/sha256/x', 'manifest.json'), type: fc.constantFrom('symlink' as const, 'link' as const), linkname: fc.constantFrom('/etc/passwd', '../x', 'manifest.json') }),
  fc.record({ name: fc.constantFrom('blobs', 'blobs/sha256', 'manifest.json', '..'), type: fc.constant('directory' as const) }),
  fc.string({ maxLength: 8 }).map((content) => ({ name: blobEntry(gguf).name, content })),
);

/** Mostly `undefined`, so that most archives get past the other edits to the one being tried. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** An archive of the minimal model with its config and manifest edited, an entry dropped, entries reordered and a hostile one added. */
const editedArchive = fc.record({
  configType: fc.constantFrom(...SUPPORTED_CONFIG_MEDIA_TYPES),
  configEdits: fc.option(jsonMutations(), { nil: undefined }),
  manifestEdits: sometimes(jsonMutations()),
  dropped: sometimes(fc.nat({ max: 2 })),
  extra: sometimes(hostileEntry),
  order: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
});

interface ArchiveEdits {
  configType: string;
  configEdits: JsonMutation[] | undefined;
  manifestEdits: JsonMutation[] | undefined;
  dropped: number | undefined;
  extra: TarEntry | undefined;
  order: number[];
}

async function buildEditedArchive(edits: ArchiveEdits): Promise<Buffer> {
  const configBytes = json(edits.configEdits ? applyJsonMutations(config, edits.configEdits) : config);
  const manifest = manifestFor(configBytes, edits.configType);
  const manifestBytes = json(edits.manifestEdits ? applyJsonMutations(manifest, edits.manifestEdits) : manifest);
  const model = [blobEntry(gguf), blobEntry(configBytes), { name: 'manifest.json', content: manifestBytes }];
  const entries = [...model.filter((_, index) => index !== edits.dropped), ...(edits.extra ? [edits.extra] : [])];
  const ranked = entries.map((entry, index) => ({ entry, rank: edits.order[index] ?? index }));
  return buildTar(ranked.sort((a, b) => a.rank - b.rank).map(({ entry }) => entry));
}

const cuts = fc.array(fc.nat(), { maxLength: 4 });

describe('model archive import under fuzzing', () => {
  it('refuses random bytes and leaves the store unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3072 }), cuts, async (bytes, split) => expectImportedOrRefused(Buffer.from(bytes), split)),
      fuzzParameters(60),
    );
  });

  it('imports or refuses every byte-level mutation of a valid archive, leaving the store unchanged when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(byteMutations(validArchive.length), cuts, async (edits, split) => expectImportedOrRefused(applyMutations(validArchive, edits), split)),
      fuzzParameters(150),
    );
  });

  it('imports or refuses archives with edited configs and manifests, missing entries and hostile entries', async () => {
    await fc.assert(
      fc.asyncProperty(editedArchive, cuts, async (edits, split) => expectImportedOrRefused(await buildEditedArchive(edits), split)),
      fuzzParameters(150),
    );
  });
});

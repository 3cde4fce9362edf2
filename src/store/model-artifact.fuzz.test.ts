import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../test/helpers/fuzz-runs.js';
import { applyJsonMutations, jsonMutations, type JsonMutation } from '../../test/helpers/json-mutations.js';
import { tinyArtifact } from '../../test/helpers/models.js';
import { outcomeOf } from '../../test/helpers/outcome.js';
import { digestBytes, type FileDigest } from '../distribution/file-digest.js';
import { checkArtifact } from './check-artifact.js';
import { MediaType, SUPPORTED_CONFIG_MEDIA_TYPES, createdSeconds, parseManifest, parseModelConfigFile, type Descriptor, type Manifest, type ModelConfigFile } from './model-artifact.js';

let dir: string;
let validManifest: Manifest;
let validConfig: unknown;
const blobPaths = new Map<string, string>();

const MODELPACK_CONFIG = {
  descriptor: { createdAt: '2026-01-02T03:04:05Z' },
  config: { architecture: 'llama', format: 'gguf', paramSize: '1.2M', quantization: 'Q8_0' },
  modelfs: { type: 'layers', diffIds: [`sha256:${'a'.repeat(64)}`] },
};

async function storeBlob(bytes: Uint8Array): Promise<FileDigest> {
  const blob = digestBytes(bytes);
  const path = join(dir, blob.digest.slice(7));
  await writeFile(path, bytes);
  blobPaths.set(blob.digest, path);
  return blob;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'artifact-fuzz-'));
  const artifact = await tinyArtifact();
  validManifest = parseManifest(artifact.manifest);
  for (const blob of artifact.blobs) {
    const bytes = await buffer(blob.open());
    await storeBlob(bytes);
    if (blob.digest === validManifest.config.digest) validConfig = JSON.parse(bytes.toString());
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringRecord = (value: unknown) => isObject(value) && Object.values(value).every((item) => typeof item === 'string');
const optional = (value: unknown, check: (present: unknown) => boolean) => value === undefined || check(value);
const isString = (value: unknown) => typeof value === 'string';

function expectDescriptor(descriptor: Descriptor): void {
  expect(descriptor.mediaType).toMatch(/.+/);
  expect(descriptor.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(Number.isSafeInteger(descriptor.size) && descriptor.size >= 0).toBe(true);
  expect(optional(descriptor.annotations, isStringRecord), 'descriptor annotations').toBe(true);
}

/** The types `Manifest` promises, which pushing and repackaging rely on without checking again. */
function expectManifest(manifest: Manifest): void {
  expect(manifest.schemaVersion).toBe(2);
  expectDescriptor(manifest.config);
  expect(manifest.layers.length).toBeGreaterThan(0);
  manifest.layers.forEach(expectDescriptor);
  expect(optional(manifest.mediaType, isString), 'mediaType').toBe(true);
  expect(optional(manifest.artifactType, isString), 'artifactType').toBe(true);
  expect(optional(manifest.annotations, isStringRecord), 'annotations').toBe(true);
}

/** The types `ModelConfigFile` promises, which listings and the scheduler rely on without checking again. */
function expectModelConfigFile(file: ModelConfigFile): void {
  const { config } = file;
  expect(isObject(config), 'config is an object').toBe(true);
  for (const field of ['format', 'quantization', 'parameters', 'architecture', 'size'] as const) {
    expect(optional(config[field], isString), field).toBe(true);
  }
  expect(optional(config.gguf, isStringRecord), 'gguf').toBe(true);
  expect(optional(config.context_size, (size) => Number.isSafeInteger(size)), 'context_size').toBe(true);
  expect(optional(file.descriptor, (descriptor) => isObject(descriptor) && optional(descriptor.created, isString)), 'descriptor').toBe(true);
  expect(Number.isInteger(createdSeconds(file))).toBe(true);
}

const bytesOf = (json: unknown) => Buffer.from(JSON.stringify(json) ?? 'null');

/** A document as edits of a valid one, arbitrary JSON, or arbitrary bytes; kept small so failures print readably. */
type Document = { edits: JsonMutation[] } | { text: string } | { bytes: Uint8Array };

const document: fc.Arbitrary<Document> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ edits: jsonMutations() }) },
  { weight: 1, arbitrary: fc.record({ text: fc.json({ maxDepth: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ bytes: fc.uint8Array({ maxLength: 64 }) }) },
);

function documentBytes(input: Document, valid: unknown): Buffer {
  if ('edits' in input) return bytesOf(applyJsonMutations(valid, input.edits));
  return Buffer.from('text' in input ? input.text : input.bytes);
}

describe('manifest and config parsing under fuzzing', () => {
  it('parses a manifest into the shape it promises, or refuses it', async () => {
    await fc.assert(
      fc.asyncProperty(document, async (input) => {
        const outcome = await outcomeOf(() => parseManifest(documentBytes(input, validManifest)), 'invalid_model');
        if ('value' in outcome) expectManifest(outcome.value);
      }),
      fuzzParameters(1000),
    );
  });

  it('parses a config blob of every supported type into the shape it promises, or refuses it', async () => {
    await fc.assert(
      fc.asyncProperty(document, fc.constantFrom(...SUPPORTED_CONFIG_MEDIA_TYPES), async (input, mediaType) => {
        const valid = mediaType === MediaType.modelPackConfig ? MODELPACK_CONFIG : validConfig;
        const outcome = await outcomeOf(() => parseModelConfigFile(documentBytes(input, valid), mediaType), 'invalid_model');
        if ('value' in outcome) expectModelConfigFile(outcome.value);
      }),
      fuzzParameters(1000),
    );
  });

  it('checks a mutated artifact whole: a usable config, or a RunnerError', async () => {
    const locate = async (digest: string) => blobPaths.get(digest);
    await fc.assert(
      fc.asyncProperty(fc.option(jsonMutations(), { nil: undefined }), jsonMutations(), async (configEdits, manifestEdits) => {
        const config = configEdits
          ? { mediaType: MediaType.modelConfigV01, ...(await storeBlob(bytesOf(applyJsonMutations(validConfig, configEdits)))) }
          : validManifest.config;
        const manifest = await outcomeOf(() => parseManifest(bytesOf(applyJsonMutations({ ...validManifest, config }, manifestEdits))));
        if (!('value' in manifest)) return;
        const file = await outcomeOf(() => checkArtifact(manifest.value, locate));
        if ('value' in file) expectModelConfigFile(file.value);
      }),
      fuzzParameters(300),
    );
  });
});

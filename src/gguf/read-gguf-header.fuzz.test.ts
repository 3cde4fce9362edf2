import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMutations, byteMutations } from '../../test/helpers/byte-mutations.js';
import { fuzzParameters } from '../../test/helpers/fuzz-runs.js';
import { generatedModel } from '../../test/helpers/models.js';
import { outcomeOf } from '../../test/helpers/outcome.js';
import { encodeGgufHeader } from './encode-gguf-header.js';
import { ggmlTypeInfo, tensorByteSize } from './ggml-types.js';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufValueType, type GgufHeader, type GgufMetadataEntry, type GgufScalar, type GgufTensorInfo } from './gguf-types.js';
import { u32Entry } from './metadata-entries.js';
import { modelConfigFromGguf } from './model-config.js';
import { readGgufHeader } from './read-gguf-header.js';

let dir: string;
let tinyModel: Buffer;
let tinyHeaderBytes: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-fuzz-'));
  const path = await generatedModel();
  tinyModel = await readFile(path);
  tinyHeaderBytes = (await readGgufHeader(path)).dataOffset;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(bytes: Uint8Array): Promise<GgufHeader> {
  const path = join(dir, 'input.gguf');
  await writeFile(path, bytes);
  return readGgufHeader(path);
}

const SCALARS: ReadonlyMap<GgufValueType, fc.Arbitrary<GgufScalar>> = new Map<GgufValueType, fc.Arbitrary<GgufScalar>>([
  [GgufValueType.UINT8, fc.integer({ min: 0, max: 2 ** 8 - 1 })],
  [GgufValueType.INT8, fc.integer({ min: -(2 ** 7), max: 2 ** 7 - 1 })],
  [GgufValueType.UINT16, fc.integer({ min: 0, max: 2 ** 16 - 1 })],
  [GgufValueType.INT16, fc.integer({ min: -(2 ** 15), max: 2 ** 15 - 1 })],
  [GgufValueType.UINT32, fc.integer({ min: 0, max: 2 ** 32 - 1 })],
  [GgufValueType.INT32, fc.integer()],
  [GgufValueType.FLOAT32, fc.float()],
  [GgufValueType.BOOL, fc.boolean()],
  [GgufValueType.STRING, fc.string({ unit: 'binary', maxLength: 24 })],
  [GgufValueType.UINT64, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })],
  [GgufValueType.INT64, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
  [GgufValueType.FLOAT64, fc.double()],
]);

const scalarType = fc.constantFrom(...SCALARS.keys());

function scalarOf(type: GgufValueType): fc.Arbitrary<GgufScalar> {
  const scalar = SCALARS.get(type);
  if (!scalar) throw new TypeError(`no arbitrary for GGUF type ${type}`);
  return scalar;
}

const metadataEntry: fc.Arbitrary<GgufMetadataEntry> = fc.record({
  key: fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).filter((key) => key !== 'general.alignment'),
  value: fc.oneof(
    scalarType.chain((type) => scalarOf(type).map((value) => ({ type, value }))),
    scalarType.chain((itemType) =>
      fc.array(scalarOf(itemType), { maxLength: 6 }).map((values) => ({ type: GgufValueType.ARRAY, value: { type: itemType, values } })),
    ),
  ),
}).map(({ key, value }) => ({ key, ...value }));

const GGML_TYPE_IDS = Array.from({ length: 64 }, (_, id) => id).filter((id) => ggmlTypeInfo(id) !== undefined);

const tensorShape = fc.record({
  name: fc.string({ unit: 'binary', maxLength: 24 }),
  type: fc.constantFrom(...GGML_TYPE_IDS),
  blocksPerRow: fc.nat({ max: 3 }),
  outerDims: fc.array(fc.nat({ max: 3 }), { maxLength: 3 }),
});

interface ValidGguf {
  bytes: Buffer;
  metadata: GgufMetadataEntry[];
  tensors: GgufTensorInfo[];
  alignment: number;
  dataOffset: number;
}

/** Any header our writer can produce, with tensors laid out back to back and zeroed data. */
const validGguf: fc.Arbitrary<ValidGguf> = fc
  .record({
    entries: fc.uniqueArray(metadataEntry, { selector: (entry) => entry.key, maxLength: 6 }),
    shapes: fc.array(tensorShape, { maxLength: 4 }),
    alignment: fc.option(fc.constantFrom(1, 2, 4, 8, 16, 32, 64, 128, 256), { nil: undefined }),
  })
  .map(({ entries, shapes, alignment }) => {
    const metadata = alignment === undefined ? entries : [...entries, u32Entry('general.alignment', alignment)];
    const align = alignment ?? GGUF_DEFAULT_ALIGNMENT;
    const tensors: GgufTensorInfo[] = [];
    let dataBytes = 0;
    for (const shape of shapes) {
      const info = ggmlTypeInfo(shape.type)!;
      const dims = [shape.blocksPerRow * info.blockSize, ...shape.outerDims];
      tensors.push({ name: shape.name, dims, type: shape.type, offset: dataBytes });
      dataBytes += Math.ceil(tensorByteSize(info, dims) / align) * align;
    }
    const header = encodeGgufHeader(metadata, tensors, align);
    return { bytes: Buffer.concat([header, Buffer.alloc(dataBytes)]), metadata, tensors, alignment: align, dataOffset: header.length };
  });

/** What every header the reader returns must satisfy, so callers can trust it without checking again. */
function expectConsistent(header: GgufHeader): void {
  const { alignment, dataOffset, fileSize } = header;
  expect(alignment & (alignment - 1)).toBe(0);
  expect(dataOffset % alignment).toBe(0);
  for (const tensor of header.tensors) {
    const info = ggmlTypeInfo(tensor.type);
    expect(info, `tensor '${tensor.name}' type`).toBeDefined();
    expect(tensor.dims.length).toBeLessThanOrEqual(4);
    expect(tensor.offset % alignment).toBe(0);
    expect(dataOffset + tensor.offset + tensorByteSize(info!, tensor.dims)).toBeLessThanOrEqual(fileSize);
  }
  expect(() => modelConfigFromGguf(header)).not.toThrow();
}

/** The property every input must satisfy: a consistent header, or the reader's one documented error. */
async function expectReadOrRefused(bytes: Uint8Array): Promise<void> {
  const outcome = await outcomeOf(() => read(bytes), 'invalid_model');
  if ('value' in outcome) expectConsistent(outcome.value);
  else expect(outcome.refusal.message).toMatch(/^invalid GGUF file: /);
}

/** A GGUF v3 prefix, so random bytes get past the magic and version checks. */
function ggufPrefix(): Buffer {
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(GGUF_MAGIC, 0);
  prefix.writeUInt32LE(3, 4);
  return prefix;
}

describe('readGgufHeader under fuzzing', () => {
  it('reads back every header the writer encodes', async () => {
    await fc.assert(
      fc.asyncProperty(validGguf, async (gguf) => {
        const header = await read(gguf.bytes);
        expect(header.version).toBe(3);
        expect(header.alignment).toBe(gguf.alignment);
        expect(header.dataOffset).toBe(gguf.dataOffset);
        expect(header.tensors).toEqual(gguf.tensors);
        expect([...header.metadata]).toEqual(gguf.metadata.map((entry) => [entry.key, entry.value]));
        expect([...header.metadataTypes]).toEqual(gguf.metadata.map((entry) => [entry.key, entry.type]));
      }),
      fuzzParameters(150),
    );
  });

  it('answers random bytes, with or without a GGUF prefix, with a consistent header or its documented error', async () => {
    const bytes = fc.uint8Array({ maxLength: 512 });
    const prefixed = bytes.map((tail) => Buffer.concat([ggufPrefix(), tail]));
    await fc.assert(fc.asyncProperty(fc.oneof(bytes, prefixed), expectReadOrRefused), fuzzParameters(150));
  });

  it('refuses or consistently reads every mutation of a header the writer encodes', async () => {
    await fc.assert(
      fc.asyncProperty(validGguf, byteMutations(512), async (gguf, edits) => expectReadOrRefused(applyMutations(gguf.bytes, edits))),
      fuzzParameters(250),
    );
  });

  it('refuses or consistently reads every mutation of a generated model', async () => {
    await fc.assert(
      fc.asyncProperty(byteMutations(tinyHeaderBytes), async (edits) => expectReadOrRefused(applyMutations(tinyModel, edits))),
      fuzzParameters(150),
    );
  });
});

import type { FileCursor } from './file-cursor.js';
import { invalidGguf } from './invalid-gguf.js';
import { GgufValueType, type GgufArray, type GgufScalar, type GgufValue } from './gguf-types.js';

/** Caps what one string may make us allocate; real headers (chat templates included) stay far below. */
const MAX_STRING_BYTES = 16 * 1024 * 1024;
/** Caps array items; the largest real vocabularies and merge lists hold well under a million. */
const MAX_ARRAY_ITEMS = 1 << 24;

interface FixedScalar {
  size: number;
  decode(bytes: Buffer, at: number): GgufScalar;
}

const FIXED_SCALARS: ReadonlyMap<number, FixedScalar> = new Map<number, FixedScalar>([
  [GgufValueType.UINT8, { size: 1, decode: (b, at) => b.readUInt8(at) }],
  [GgufValueType.INT8, { size: 1, decode: (b, at) => b.readInt8(at) }],
  [GgufValueType.UINT16, { size: 2, decode: (b, at) => b.readUInt16LE(at) }],
  [GgufValueType.INT16, { size: 2, decode: (b, at) => b.readInt16LE(at) }],
  [GgufValueType.UINT32, { size: 4, decode: (b, at) => b.readUInt32LE(at) }],
  [GgufValueType.INT32, { size: 4, decode: (b, at) => b.readInt32LE(at) }],
  [GgufValueType.FLOAT32, { size: 4, decode: (b, at) => b.readFloatLE(at) }],
  [GgufValueType.BOOL, { size: 1, decode: (b, at) => b.readUInt8(at) !== 0 }],
  [GgufValueType.UINT64, { size: 8, decode: (b, at) => b.readBigUInt64LE(at) }],
  [GgufValueType.INT64, { size: 8, decode: (b, at) => b.readBigInt64LE(at) }],
  [GgufValueType.FLOAT64, { size: 8, decode: (b, at) => b.readDoubleLE(at) }],
]);

const STRING_LENGTH_BYTES = 8;

const u64AsNumber = (bytes: Buffer, at: number): number => bytes.readUInt32LE(at) + bytes.readUInt32LE(at + 4) * 2 ** 32;
const utf8 = (length: number) => (bytes: Buffer, at: number) => bytes.toString('utf8', at, at + length);

function checkStringLength(cursor: FileCursor, length: number, what: string): void {
  if (length > MAX_STRING_BYTES) {
    throw invalidGguf(`${what} length ${length} exceeds the ${MAX_STRING_BYTES}-byte limit`);
  }
  if (length > cursor.remaining) {
    throw invalidGguf(`${what} length ${length} at offset ${cursor.position} runs past the end of the file`);
  }
}

export async function readGgufString(cursor: FileCursor, what: string): Promise<string> {
  const length = await cursor.u64AsNumber();
  checkStringLength(cursor, length, what);
  return cursor.utf8(length);
}

/**
 * A string without awaiting when its bytes are already buffered: vocabularies hold ~100k strings,
 * and a promise per string made checking a model's header a noticeable part of a pull.
 */
function readGgufStringNow(cursor: FileCursor, what: string): string | Promise<string> {
  if (!cursor.has(STRING_LENGTH_BYTES)) return readGgufString(cursor, what);
  const length = cursor.readNow(STRING_LENGTH_BYTES, u64AsNumber);
  checkStringLength(cursor, length, what);
  return cursor.has(length) ? cursor.readNow(length, utf8(length)) : cursor.utf8(length);
}

export async function readGgufValue(cursor: FileCursor, type: number, key: string): Promise<GgufValue> {
  if (type === GgufValueType.ARRAY) return readGgufArray(cursor, key);
  return readGgufScalar(cursor, type, key);
}

async function readGgufScalar(cursor: FileCursor, type: number, key: string): Promise<GgufScalar> {
  if (type === GgufValueType.STRING) return readGgufString(cursor, `string value of '${key}'`);
  const fixed = FIXED_SCALARS.get(type);
  if (fixed === undefined) throw invalidGguf(`unknown value type ${type} for key '${key}'`);
  return cursor.read(fixed.size, fixed.decode);
}

async function readGgufArray(cursor: FileCursor, key: string): Promise<GgufArray> {
  const itemType = await cursor.u32();
  if (itemType === GgufValueType.ARRAY) throw invalidGguf(`nested array in key '${key}'`);
  const itemSize = itemType === GgufValueType.STRING ? STRING_LENGTH_BYTES : FIXED_SCALARS.get(itemType)?.size;
  if (itemSize === undefined) throw invalidGguf(`unknown array item type ${itemType} for key '${key}'`);
  const count = await cursor.u64();
  if (count > BigInt(MAX_ARRAY_ITEMS)) {
    throw invalidGguf(`array length ${count} of key '${key}' exceeds the ${MAX_ARRAY_ITEMS}-item limit`);
  }
  // Every item occupies at least itemSize bytes, so a count the rest of the file cannot hold is a lie.
  if (count * BigInt(itemSize) > BigInt(cursor.remaining)) {
    throw invalidGguf(`array length ${count} of key '${key}' runs past the end of the file`);
  }
  const values: GgufScalar[] = [];
  const what = `string value of '${key}'`;
  for (let i = 0; i < Number(count); i++) {
    const value = itemType === GgufValueType.STRING ? readGgufStringNow(cursor, what) : readGgufScalar(cursor, itemType, key);
    values.push(typeof value === 'string' ? value : await value);
  }
  return { type: itemType as GgufValueType, values };
}

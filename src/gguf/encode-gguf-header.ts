import { ByteWriter } from './byte-writer.js';
import {
  GGUF_MAGIC,
  GgufValueType,
  type GgufMetadataEntry,
  type GgufScalar,
  type GgufTensorInfo,
  type GgufValue,
} from './gguf-types.js';

const GGUF_VERSION = 3;

type ScalarEncoder = (out: ByteWriter, value: GgufScalar) => void;

const SCALAR_ENCODERS: ReadonlyMap<number, ScalarEncoder> = new Map<number, ScalarEncoder>([
  [GgufValueType.UINT8, (out, v) => out.fixed(1, (b, o) => b.writeUInt8(asNumber(v), o))],
  [GgufValueType.INT8, (out, v) => out.fixed(1, (b, o) => b.writeInt8(asNumber(v), o))],
  [GgufValueType.UINT16, (out, v) => out.fixed(2, (b, o) => b.writeUInt16LE(asNumber(v), o))],
  [GgufValueType.INT16, (out, v) => out.fixed(2, (b, o) => b.writeInt16LE(asNumber(v), o))],
  [GgufValueType.UINT32, (out, v) => out.fixed(4, (b, o) => b.writeUInt32LE(asNumber(v), o))],
  [GgufValueType.INT32, (out, v) => out.fixed(4, (b, o) => b.writeInt32LE(asNumber(v), o))],
  [GgufValueType.FLOAT32, (out, v) => out.fixed(4, (b, o) => b.writeFloatLE(asNumber(v), o))],
  [GgufValueType.BOOL, (out, v) => out.fixed(1, (b, o) => b.writeUInt8(asBoolean(v) ? 1 : 0, o))],
  [GgufValueType.STRING, (out, v) => out.string(asString(v))],
  [GgufValueType.UINT64, (out, v) => out.fixed(8, (b, o) => b.writeBigUInt64LE(asBigInt(v), o))],
  [GgufValueType.INT64, (out, v) => out.fixed(8, (b, o) => b.writeBigInt64LE(asBigInt(v), o))],
  [GgufValueType.FLOAT64, (out, v) => out.fixed(8, (b, o) => b.writeDoubleLE(asNumber(v), o))],
]);

/** Encodes everything before the tensor data, padded so that the data starts aligned. */
export function encodeGgufHeader(
  metadata: readonly GgufMetadataEntry[],
  tensors: readonly GgufTensorInfo[],
  alignment: number,
): Buffer {
  const out = new ByteWriter();
  out.u32(GGUF_MAGIC);
  out.u32(GGUF_VERSION);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const entry of metadata) {
    out.string(entry.key);
    out.u32(entry.type);
    encodeValue(out, entry.type, entry.value);
  }
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(tensor.type);
    out.u64(tensor.offset);
  }
  out.padTo(alignment);
  return out.bytes();
}

function encodeValue(out: ByteWriter, type: GgufValueType, value: GgufValue): void {
  if (typeof value !== 'object') {
    scalarEncoder(type)(out, value);
    return;
  }
  if (type !== GgufValueType.ARRAY) throw new TypeError(`an array value needs the ARRAY type, not ${type}`);
  const encode = scalarEncoder(value.type);
  out.u32(value.type);
  out.u64(value.values.length);
  for (const item of value.values) encode(out, item);
}

function scalarEncoder(type: number): ScalarEncoder {
  const encoder = SCALAR_ENCODERS.get(type);
  if (encoder === undefined) throw new TypeError(`GGUF value type ${type} cannot be encoded here`);
  return encoder;
}

function asNumber(value: GgufScalar): number {
  if (typeof value !== 'number') throw new TypeError(`expected a number, got ${typeof value}`);
  return value;
}

function asBigInt(value: GgufScalar): bigint {
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new TypeError(`expected an integer, got ${typeof value}`);
  return BigInt(value);
}

function asBoolean(value: GgufScalar): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`expected a boolean, got ${typeof value}`);
  return value;
}

function asString(value: GgufScalar): string {
  if (typeof value !== 'string') throw new TypeError(`expected a string, got ${typeof value}`);
  return value;
}

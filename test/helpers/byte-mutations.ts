import fc from 'fast-check';

/**
 * Edits that turn a valid file into the inputs parsers get wrong: flipped bits, overwritten,
 * inserted and deleted bytes, truncation, and length or count fields set to huge values.
 * Kept as data, so a failing case prints as a short list of edits rather than a whole file.
 */
export type ByteMutation =
  | { kind: 'flip'; position: number; bit: number }
  | { kind: 'overwrite'; position: number; bytes: number[] }
  | { kind: 'insert'; position: number; bytes: number[] }
  | { kind: 'delete'; position: number; length: number }
  | { kind: 'truncate'; position: number }
  | { kind: 'huge'; position: number; value: bigint; width: 4 | 8 };

/** Field values at the edges parsers get wrong: sign bits, 32- and 53-bit limits, all ones. */
const HUGE_VALUES = [0n, 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];

const someBytes = (maxLength: number) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength });

/** Positions fall mostly in the first `focus` bytes (where a file's structure is), sometimes anywhere. */
function mutation(focus: number): fc.Arbitrary<ByteMutation> {
  const position = fc.oneof({ weight: 3, arbitrary: fc.nat({ max: Math.max(focus - 1, 0) }) }, { weight: 1, arbitrary: fc.nat() });
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), position, bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant('overwrite' as const), position, bytes: someBytes(8) }),
    fc.record({ kind: fc.constant('insert' as const), position, bytes: someBytes(16) }),
    fc.record({ kind: fc.constant('delete' as const), position, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('truncate' as const), position }),
    fc.record({ kind: fc.constant('huge' as const), position, value: fc.constantFrom(...HUGE_VALUES), width: fc.constantFrom(4 as const, 8 as const) }),
  );
}

export function byteMutations(focus: number): fc.Arbitrary<ByteMutation[]> {
  return fc.array(mutation(focus), { minLength: 1, maxLength: 4 });
}

function applyOne(bytes: Buffer, edit: ByteMutation): Buffer {
  const at = bytes.length === 0 ? 0 : edit.position % bytes.length;
  const copy = Buffer.from(bytes);
  switch (edit.kind) {
    case 'flip':
      if (copy.length > 0) copy[at] = (copy[at] ?? 0) ^ (1 << edit.bit);
      return copy;
    case 'overwrite':
      copy.set(edit.bytes.slice(0, copy.length - at), at);
      return copy;
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(edit.bytes), bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + edit.length)]);
    case 'truncate':
      return bytes.subarray(0, at);
    case 'huge': {
      const field = Buffer.alloc(8);
      field.writeBigUInt64LE(edit.value);
      copy.set(field.subarray(0, Math.min(edit.width, copy.length - at)), at);
      return copy;
    }
  }
}

export function applyMutations(bytes: Uint8Array, edits: readonly ByteMutation[]): Buffer {
  return edits.reduce(applyOne, Buffer.from(bytes));
}

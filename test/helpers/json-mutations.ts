import fc from 'fast-check';

/**
 * An edit of one node of a JSON document; `target` picks the node (modulo the node count), so edits
 * apply to any document. Adding to a scalar replaces it.
 */
export type JsonMutation =
  | { kind: 'replace'; target: number; value: unknown }
  | { kind: 'remove'; target: number }
  | { kind: 'add'; target: number; key: string; value: unknown };

/** Values at the edges of what parsers expect: wrong types, empty, negative, fractional, huge, nested. */
export const edgeJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 31, 2 ** 53, 1e308, '', 'sha256:', `sha256:${'0'.repeat(64)}`, [], {}),
);

const mutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), target: fc.nat(), value: edgeJsonValue }),
  fc.record({ kind: fc.constant('remove' as const), target: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), target: fc.nat(), key: fc.string({ maxLength: 12 }), value: edgeJsonValue }),
);

export function jsonMutations(): fc.Arbitrary<JsonMutation[]> {
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

type Container = Record<string, unknown> | unknown[];

interface Node {
  value: unknown;
  parent: Container | undefined;
  key: string | number | undefined;
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function nodesOf(value: unknown, parent?: Container, key?: string | number): Node[] {
  const nodes: Node[] = [{ value, parent, key }];
  if (isContainer(value)) {
    for (const [childKey, child] of Object.entries(value)) {
      nodes.push(...nodesOf(child, value, Array.isArray(value) ? Number(childKey) : childKey));
    }
  }
  return nodes;
}

/** Sets a property without `__proto__` and friends turning into prototype changes. */
function setOwn(container: Container, key: string | number, value: unknown): void {
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyOne(document: unknown, edit: JsonMutation): unknown {
  const nodes = nodesOf(document);
  const node = nodes[edit.target % nodes.length]!;
  const { parent, key } = node;
  // Copied, so that later edits never change a value fast-check may generate again while shrinking.
  const inserted = edit.kind === 'remove' ? undefined : structuredClone(edit.value);
  if (edit.kind === 'add' && isContainer(node.value)) {
    if (Array.isArray(node.value)) node.value.push(inserted);
    else setOwn(node.value, edit.key, inserted);
    return document;
  }
  if (parent === undefined || key === undefined) return inserted ?? null;
  if (inserted !== undefined) setOwn(parent, key, inserted);
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return document;
}

/** The document with the edits applied; the original is left as it was. */
export function applyJsonMutations(document: unknown, edits: readonly JsonMutation[]): unknown {
  return edits.reduce(applyOne, structuredClone(document));
}

import { isAlias, isMap, isScalar, isSeq, visit, YAMLMap, type Document, type Node, type Pair } from 'yaml';

/** What a YAML value stands for once an alias is followed. */
export function resolveNode(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** A scalar's text, through an alias; undefined for anything else. */
export function scalarText(doc: Document, node: unknown): string | undefined {
  const value = resolveNode(doc, node);
  return isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
}

export function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
}

/** A `<<` key, which the yaml package marks with a symbol when merge keys are on. */
function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === 'symbol';
}

function ownPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => keyText(pair) === key);
}

/** The maps `<<` merges into `map`, in YAML's order of precedence (the first one wins). */
function mergeSources(doc: Document, map: YAMLMap): YAMLMap[] {
  return map.items.filter(isMergePair).flatMap((pair) => {
    const value = resolveNode(doc, pair.value);
    const sources = isSeq(value) ? value.items.map((item) => resolveNode(doc, item)) : [value];
    return sources.filter((source): source is YAMLMap => isMap(source));
  });
}

/**
 * The map that gives `map` its `key`: itself, or the one a `<<` merge key brings it from. A key
 * must be renamed or edited where it is written, or a merge brings the old one back.
 */
export function providingMap(doc: Document, map: YAMLMap, key: string, seen = new Set<YAMLMap>()): YAMLMap | undefined {
  if (seen.has(map)) return undefined;
  seen.add(map);
  if (ownPair(map, key)) return map;
  for (const source of mergeSources(doc, map)) {
    const found = providingMap(doc, source, key, seen);
    if (found) return found;
  }
  return undefined;
}

/** The value `map` has for `key`, its own or merged in, with aliases followed. */
function valueOf(doc: Document, map: YAMLMap, key: string): unknown {
  const holder = providingMap(doc, map, key);
  return holder ? resolveNode(doc, ownPair(holder, key)!.value) : undefined;
}

/** Renames `key` to `to` in place, so the pair keeps its comments, anchors and position. */
export function renameKey(map: YAMLMap, key: string, to: string): void {
  const pair = ownPair(map, key);
  if (pair && isScalar(pair.key)) pair.key.value = to;
}

/** `base`, or `base-2`, `base-3`… when the file already uses it. */
export function freeKey(map: YAMLMap, base: string): string {
  let name = base;
  for (let index = 2; ownPair(map, name); index++) name = `${base}-${index}`;
  return name;
}

/** A copy to edit; anchors are dropped so they stay defined once, where the file defines them. */
function detachedCopy(node: Node): Node {
  const copy = node.clone() as Node;
  visit(copy, {
    Node(_key, child) {
      if (!isAlias(child)) child.anchor = undefined;
    },
  });
  return copy;
}

/**
 * `map`'s own collection under `key`, ready to be edited without touching other services: an
 * alias or a merged-in value is copied in first (an explicit key replaces a merged one whole).
 * A value written here with an anchor is edited where it is, so services that alias it see the
 * additions too: moving it would leave their aliases pointing nowhere.
 */
export function ownCollection(doc: Document, map: YAMLMap, key: string, empty: () => Node): Node {
  const pair = ownPair(map, key);
  if (pair && (isMap(pair.value) || isSeq(pair.value))) return pair.value;
  const inherited = valueOf(doc, map, key);
  const collection = isMap(inherited) || isSeq(inherited) ? detachedCopy(inherited) : empty();
  if (pair) pair.value = collection;
  else map.add(doc.createPair(key, collection));
  return collection;
}

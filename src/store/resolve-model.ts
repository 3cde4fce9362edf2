import type { DeleteAction } from '../api/dmr-types.js';
import { RunnerError } from '../shared/errors.js';
import type { IndexEntry, ModelIndex } from './model-index.js';
import { formatModelTag, normalizeTag, parseModelName, parseModelReference, shortRepositoryName } from './model-reference.js';


/** Stored tags are compared as parsed references, so legacy `ai/x:latest` entries still match. */
function sameTag(stored: string, wanted: string): boolean {
  try {
    return normalizeTag(stored) === wanted;
  } catch {
    return false;
  }
}

export function resolveEntry(index: ModelIndex, input: string): IndexEntry | undefined {
  const reference = parseModelReference(input);
  switch (reference.kind) {
    case 'id':
      return index.models.find((entry) => entry.id === reference.id);
    case 'short-id':
      return index.models.find((entry) => entry.id.startsWith(reference.prefix));
    case 'name': {
      const { digest } = reference.name;
      if (digest !== undefined) return index.models.find((entry) => entry.id === digest);
      const tag = formatModelTag(reference.name);
      return index.models.find((entry) => entry.tags.some((stored) => sameTag(stored, tag)));
    }
  }
}

/** DMR's fallback for inspect and tag: `smollm2` also finds `myorg/smollm2:latest`. */
export function resolveByPartialName(index: ModelIndex, input: string): IndexEntry | undefined {
  const name = parseModelName(input);
  const wanted = shortRepositoryName(formatModelTag(name));
  const explicitTag = input.trim().lastIndexOf(':') > input.trim().lastIndexOf('/') ? name.tag : undefined;
  return index.models.find((entry) =>
    entry.tags.some((tag) => shortRepositoryName(tag) === wanted && (explicitTag === undefined || tag.endsWith(`:${explicitTag}`))),
  );
}

export interface DeletePlan {
  index: ModelIndex;
  actions: DeleteAction[];
  deletedId: string | undefined;
}

/**
 * DMR's delete semantics: a tag reference untags, and deletes only when no tag is left; an id
 * reference deletes, but must be forced while several tags point at the model.
 */
export function planDelete(index: ModelIndex, input: string, force: boolean): DeletePlan {
  const entry = resolveEntry(index, input);
  if (!entry) throw new RunnerError('not_found', 'model not found');
  const reference = parseModelReference(input);
  const byTag = reference.kind === 'name' && reference.name.digest === undefined;
  const untagged = byTag ? entry.tags.filter((stored) => sameTag(stored, formatModelTag(reference.name))) : entry.tags;
  const remaining = entry.tags.filter((tag) => !untagged.includes(tag));
  if (!byTag && entry.tags.length > 1 && !force) {
    throw new RunnerError(
      'conflict',
      `unable to delete "${input}" (must be forced) due to multiple tag references: resource conflict`,
    );
  }
  const actions: DeleteAction[] = untagged.map((tag) => ({ Untagged: tag }));
  if (byTag && remaining.length > 0) {
    const models = index.models.map((model) => (model.id === entry.id ? { ...model, tags: remaining } : model));
    return { index: { models }, actions, deletedId: undefined };
  }
  actions.push({ Deleted: entry.id });
  return { index: { models: index.models.filter((model) => model.id !== entry.id) }, actions, deletedId: entry.id };
}

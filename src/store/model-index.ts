import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';

/** One entry of models.json, in DMR's format. */
export interface IndexEntry {
  id: string;
  tags: string[];
  files: string[];
}

export interface ModelIndex {
  models: IndexEntry[];
}

export async function readIndex(path: string): Promise<ModelIndex> {
  const json = JSON.parse(await readFile(path, 'utf8')) as Partial<ModelIndex>;
  const models = Array.isArray(json.models) ? json.models : [];
  return {
    models: models.map((entry) => ({ id: entry.id, tags: entry.tags ?? [], files: entry.files ?? [] })),
  };
}

export async function writeIndex(path: string, index: ModelIndex, owner: string): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(index, null, 2), owner);
}

/** A tag belongs to one model at a time: adding it anywhere removes it everywhere else. */
export function withTag(index: ModelIndex, id: string, tag: string): ModelIndex {
  return {
    models: index.models.map((entry) => {
      const others = entry.tags.filter((existing) => existing !== tag);
      return entry.id === id ? { ...entry, tags: [...others, tag] } : { ...entry, tags: others };
    }),
  };
}

/** Blobs that only the given model references. */
export function blobsOnlyUsedBy(index: ModelIndex, id: string): string[] {
  const target = index.models.find((entry) => entry.id === id);
  if (!target) return [];
  const usedElsewhere = new Set(index.models.filter((entry) => entry.id !== id).flatMap((entry) => entry.files));
  return target.files.filter((file) => !usedElsewhere.has(file));
}

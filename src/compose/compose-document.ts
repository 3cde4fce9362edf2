import { isMap, parseDocument, type Document } from 'yaml';
import { RunnerError } from '../shared/errors.js';

/** One Compose file as read: `-` is standard input. */
export interface ComposeSource {
  path: string;
  text: string;
}

export interface ComposeDocument {
  path: string;
  doc: Document;
}

/**
 * Every scalar is read as text (the failsafe schema), so the file is written back as it was
 * written: under the core schema `mode: 0755` would come back as `755` and `yes` would change
 * meaning for Compose 1.29's YAML 1.1. Compose types and interpolates values itself; so do we,
 * for the few we need. `<<` merge keys stay on: Compose files use them with anchors.
 */
const PARSE_OPTIONS = { schema: 'failsafe', merge: true } as const;

/** The yaml package's message without the excerpt of the file it adds on the next lines. */
function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/:$/, '');
}

export function parseComposeDocument(source: ComposeSource): ComposeDocument {
  const doc = parseDocument(source.text, PARSE_OPTIONS);
  const [error] = doc.errors;
  if (error) throw new RunnerError('invalid_request', `${source.path}: ${firstLine(error.message)}`);
  if (!isMap(doc.contents)) throw new RunnerError('invalid_request', `${source.path}: top-level object must be a mapping`);
  return { path: source.path, doc };
}

/** The document's plain value: maps, lists and strings, with aliases and merge keys applied. */
export function plainValue(document: ComposeDocument): Record<string, unknown> {
  return document.doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown>;
}

export function composeText(document: ComposeDocument): string {
  return document.doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
}

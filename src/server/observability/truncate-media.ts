import { isJsonObject as isObject } from '../../shared/json-object.js';

/** DMR keeps this much of a base64 image or audio in a recorded request. */
const KEPT_CHARS = 100;

/** DMR's cut: the first 100 characters and how many went; a data URL keeps its header whole. */
function truncated(data: string): string {
  if (data.length <= KEPT_CHARS) return data;
  if (!data.startsWith('data:')) return `${data.slice(0, KEPT_CHARS)}...[truncated ${data.length - KEPT_CHARS} chars]`;
  const comma = data.indexOf(',');
  const payload = comma === -1 ? '' : data.slice(comma + 1);
  if (payload.length <= KEPT_CHARS) return data;
  return `${data.slice(0, comma)},${payload.slice(0, KEPT_CHARS)}...[truncated ${payload.length - KEPT_CHARS} chars]`;
}

/** Cuts `parent[field]` when it is a string; says whether it changed. */
function cut(parent: unknown, field: string): boolean {
  if (!isObject(parent) || typeof parent[field] !== 'string') return false;
  const before = parent[field];
  parent[field] = truncated(before);
  return parent[field] !== before;
}

/**
 * A request body as DMR records it: the base64 data of `image_url.url` and `input_audio.data` in
 * `messages[].content[]` cut to 100 characters, so a record does not hold megabytes of media.
 * Unlike DMR, which writes every chat body back out with Go's key order, a body with nothing to
 * cut is kept exactly as the client sent it.
 */
export function truncateMedia(raw: string, body: unknown): string {
  if (!isObject(body) || !Array.isArray(body.messages)) return raw;
  let changed = false;
  for (const message of body.messages) {
    if (!isObject(message) || !Array.isArray(message.content)) continue;
    for (const part of message.content) {
      if (!isObject(part)) continue;
      changed = cut(part.image_url, 'url') || changed;
      changed = cut(part.input_audio, 'data') || changed;
    }
  }
  return changed ? JSON.stringify(body) : raw;
}

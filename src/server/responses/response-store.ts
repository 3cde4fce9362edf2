import type { ResponseBody } from './response-body.js';
import type { ConversationItem } from './response-items.js';

/** A stored response with what a follow-up (`previous_response_id`) and `input_items` need. */
export interface StoredResponse {
  response: ResponseBody;
  /** This request's own input, as `input_items` lists it. */
  input: ConversationItem[];
  /** Everything before the input: the chain of earlier responses, so one entry answers for its whole past. */
  history: ConversationItem[];
}

export interface ResponseStoreOptions {
  /** How long a response is kept after it was stored; DMR keeps them an hour. */
  ttlMs?: number;
  /** Bound on the stored responses' JSON size; the oldest go first past it, and one larger than it all is not kept. */
  maxBytes?: number;
  /** Milliseconds now; tests pass their own clock. */
  now?: () => number;
}

const HOUR_MS = 60 * 60 * 1000;
const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;

/**
 * The runner's memory of responses created with `store`. Entries are kept in the order they were
 * stored, which with one TTL for all is also the order they expire in, so expiry and the size bound
 * both take from the front. Expired entries are dropped as they are met and on every save; there is
 * no timer, and nothing to close.
 */
export class ResponseStore {
  private readonly entries = new Map<string, { stored: StoredResponse; expiresAt: number; bytes: number }>();
  private bytes = 0;
  private readonly ttlMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: ResponseStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? HOUR_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  save(stored: StoredResponse): void {
    const id = stored.response.id;
    this.delete(id);
    const bytes = Buffer.byteLength(JSON.stringify(stored));
    this.entries.set(id, { stored, expiresAt: this.now() + this.ttlMs, bytes });
    this.bytes += bytes;
    this.dropExpired();
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  get(id: string): StoredResponse | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.stored;
    this.delete(id);
    return undefined;
  }

  delete(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
    return true;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.delete(id);
    }
  }
}

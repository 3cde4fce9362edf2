import type { RunnerConfig, RunnerEvents } from '../../scheduler/scheduler-types.js';
import { Broadcast } from '../../shared/broadcast.js';
import { backendConfiguration } from '../backend-configuration.js';
import type { RecordedAnswer } from './recorded-answer.js';

/** One request and its answer, in DMR's RequestResponsePair shape; empty fields are left out, as Go's omitempty does. */
export interface RequestRecord {
  id: string;
  model: string;
  method: string;
  url: string;
  request: string;
  response?: string;
  error?: string;
  timestamp: number;
  status_code: number;
  user_agent?: string;
  origin?: string;
}

/** DMR's ModelRecordsResponse: a model's records and the config its worker runs with. */
export interface ModelRecords {
  count: number;
  model: string;
  config: Record<string, unknown>;
  records: RequestRecord[];
}

/** A request as it arrives: who asked what of which model. */
export interface RecordedRequest {
  /** The model as the client named it. */
  model: string;
  method: string;
  url: string;
  request: string;
  userAgent: string;
  origin: string;
}

/** A finished request, as subscribers hear of it: DMR's one-record group, and the model's ID to filter by. */
export interface RecordEvent {
  modelId: string;
  groups: ModelRecords[];
}

/** A request being recorded. */
export interface RecordEntry extends RecordedRequest, RecordedAnswer {
  id: string;
  timestamp: number;
  status: number;
}

interface ModelEntries {
  config: Record<string, unknown>;
  entries: RecordEntry[];
}

/** DMR keeps the last 10 requests of each model. */
const RECORDS_PER_MODEL = 10;
/** Events a subscriber may leave unread before it misses some, as DMR's channel of 100. */
const UNREAD_EVENTS = 100;

function pair(entry: RecordEntry): RequestRecord {
  return {
    id: entry.id,
    model: entry.model,
    method: entry.method,
    url: entry.url,
    request: entry.request,
    ...(entry.response ? { response: entry.response } : {}),
    ...(entry.error ? { error: entry.error } : {}),
    timestamp: entry.timestamp,
    status_code: entry.status,
    ...(entry.userAgent ? { user_agent: entry.userAgent } : {}),
    ...(entry.origin ? { origin: entry.origin } : {}),
  };
}

/**
 * DMR's request recorder (`docker model requests`): the last requests of each model with their
 * answers, kept by model ID while the model's worker runs, and a feed of requests as they finish.
 */
export class RequestRecords implements RunnerEvents {
  readonly #models = new Map<string, ModelEntries>();
  readonly #finished = new Broadcast<RecordEvent>({ limit: UNREAD_EVENTS });
  #sequence = 0;

  /** Clients following the feed now. */
  get subscribers(): number {
    return this.#finished.size;
  }

  #model(modelId: string): ModelEntries {
    let model = this.#models.get(modelId);
    if (!model) this.#models.set(modelId, (model = { config: {}, entries: [] }));
    return model;
  }

  runnerStarted(modelId: string, config: RunnerConfig): void {
    this.#model(modelId).config = backendConfiguration(config);
  }

  runnerEnded(modelId: string): void {
    this.#models.delete(modelId);
  }

  /** Records a request as it starts (status 0 until it is answered); `finish` completes it. */
  start(modelId: string, request: RecordedRequest): RecordEntry {
    const now = Date.now();
    // DMR's id is the model ID and the time in nanoseconds; the sequence keeps ids of one millisecond apart.
    const nanoseconds = BigInt(now) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000);
    const entry: RecordEntry = { ...request, id: `${modelId}_${nanoseconds}`, timestamp: Math.floor(now / 1000), status: 0 };
    const { entries } = this.#model(modelId);
    entries.push(entry);
    if (entries.length > RECORDS_PER_MODEL) entries.shift();
    return entry;
  }

  /** Completes a request and tells the feed, unless its records went with its model's worker meanwhile. */
  finish(modelId: string, entry: RecordEntry, status: number, answer: RecordedAnswer): void {
    Object.assign(entry, { status, ...answer });
    const model = this.#models.get(modelId);
    if (!model?.entries.includes(entry)) return;
    this.#finished.publish({ modelId, groups: [{ count: 1, model: entry.model, config: model.config, records: [pair(entry)] }] });
  }

  /** Every model's records, or one model's; a model whose worker runs is listed before its first request, as DMR does. */
  list(modelId?: string): ModelRecords[] {
    return [...this.#models]
      .filter(([id]) => modelId === undefined || id === modelId)
      .map(([id, model]) => ({ count: model.entries.length, model: id, config: model.config, records: model.entries.map(pair) }));
  }

  /** The requests that finish from now on, until the signal aborts or `leave` is called. */
  subscribe(signal: AbortSignal): { messages: AsyncGenerator<RecordEvent>; leave: () => void } {
    return this.#finished.subscribe(signal);
  }
}

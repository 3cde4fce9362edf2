import { Hono } from 'hono';
import type { ModelStore } from '../../store/model-store.js';
import type { ServerEnv } from '../server-env.js';
import { streamedResponse } from '../stream-body.js';
import { streamHeaders } from '../stream-response.js';
import type { ModelRecords, RequestRecords } from './request-records.js';

export interface RequestsRouteDeps {
  store: ModelStore;
  records: RequestRecords;
  /** Aborts when the runner stops: followers are let go rather than cut after the grace period. */
  closing: AbortSignal;
}

const event = (name: string, data: unknown) => Buffer.from(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

/**
 * DMR's order: subscribed first, so no request finishing meanwhile is missed; then the stored
 * records, one event each; then `connected`; then each request as it finishes.
 */
async function* recordEvents(records: RequestRecords, modelId: string | undefined, includeExisting: boolean, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const feed = records.subscribe(signal);
  try {
    if (includeExisting) {
      for (const group of records.list(modelId)) {
        for (const record of group.records) yield event('existing_request', [{ ...group, count: 1, records: [record] } satisfies ModelRecords]);
      }
    }
    yield Buffer.from('event: connected\ndata: {"status": "connected"}\n\n');
    for await (const finished of feed.messages) {
      if (modelId === undefined || finished.modelId === modelId) yield event('new_request', finished.groups);
    }
  } finally {
    feed.leave();
  }
}

/** `GET /engines/requests`: the recorded requests as JSON, or followed as server-sent events (reference §2.5). */
export function requestsRoutes(deps: RequestsRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/engines/requests', async (c) => {
    const filter = c.req.query('model');
    // An unknown model is a 404 in the model routes' words.
    const modelId = filter ? (await deps.store.get(filter)).id : undefined;
    if (c.req.header('accept') !== 'text/event-stream') return c.json(deps.records.list(modelId));
    const signal = AbortSignal.any([c.req.raw.signal, deps.closing]);
    const events = recordEvents(deps.records, modelId, c.req.query('include_existing') === 'true', signal);
    return streamedResponse(events, { headers: streamHeaders('text/event-stream') });
  });
  return app;
}

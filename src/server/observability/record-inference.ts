import type { MiddlewareHandler } from 'hono';
import type { EngineMode } from '../../engine/engine.js';
import { isJsonObject, parseJson } from '../../shared/json-object.js';
import type { ModelStore } from '../../store/model-store.js';
import { observeResponse } from '../observed-response.js';
import { requestBytes } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { recordedAnswer, type CollapseStream } from './recorded-answer.js';
import type { RequestRecords } from './request-records.js';
import type { RunnerMetrics } from './runner-metrics.js';
import { truncateMedia } from './truncate-media.js';

export interface RecordInferenceDeps {
  store: ModelStore;
  records: RequestRecords;
  metrics: RunnerMetrics;
}

/** DMR's header naming what made an inference request (`ollama/completion`, `anthropic/messages`). */
const ORIGIN_HEADER = 'x-request-origin';

/** Answers sent as a stream: server-sent events (OpenAI, Anthropic, Responses), JSON lines (Ollama). */
const STREAM_TYPES = ['text/event-stream', 'application/x-ndjson'];

/**
 * Records an inference request and its answer (`/engines/requests`) and counts it (`/metrics`),
 * once the body names a model the store has: only then is there a model to file it under, and a
 * label that is not whatever a client wrote. A request the route refuses (a bad body) is recorded
 * with its error, as DMR records what llama-server refuses. A streamed answer is recorded as the
 * route's `collapse` folds its API's events; each route names its own, as only it knows its format.
 */
export function recordInference(deps: RecordInferenceDeps, mode: EngineMode, collapse: CollapseStream): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const started = performance.now();
    const raw = (await requestBytes(c)).toString('utf8');
    const body = parseJson(raw);
    const name = isJsonObject(body) && typeof body.model === 'string' ? body.model : '';
    const model = name ? await deps.store.get(name).catch(() => undefined) : undefined;
    if (!model) return next();
    const entry = deps.records.start(model.id, {
      model: name,
      method: c.req.method,
      url: c.req.path,
      request: truncateMedia(raw, body),
      userAgent: c.req.header('user-agent') ?? '',
      origin: c.req.header(ORIGIN_HEADER) ?? '',
    });
    await next();
    const { status } = c.res;
    const contentType = c.res.headers.get('content-type') ?? '';
    const streamed = STREAM_TYPES.some((type) => contentType.startsWith(type));
    const decoder = new TextDecoder();
    let text = '';
    await observeResponse(
      c,
      () => {
        deps.records.finish(model.id, entry, status, recordedAnswer(status, text + decoder.decode(), streamed ? collapse : undefined));
        deps.metrics.request({ model: name, mode }, status, (performance.now() - started) / 1000);
      },
      (chunk) => (text += decoder.decode(chunk, { stream: true })),
    );
  };
}

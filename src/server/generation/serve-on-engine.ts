import type { Context } from 'hono';
import type { Engine, EngineMode, GenerationEvent, GenerationRequest } from '../../engine/engine.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { ModelStore } from '../../store/model-store.js';
import { leasedResponse } from '../leased-response.js';
import { resolveModelTarget } from '../model-target.js';
import { meteredEngine } from '../observability/metered-engine.js';
import type { RequestRecords } from '../observability/request-records.js';
import type { RunnerMetrics } from '../observability/runner-metrics.js';
import type { Logger } from '../../shared/logger.js';
import type { ServerEnv } from '../server-env.js';

export interface ServeDeps {
  store: ModelStore;
  scheduler: Scheduler;
  metrics: RunnerMetrics;
}

/** What every API's inference routes are given: serving, logging, and recording (`/engines/requests`). */
export interface InferenceDeps extends ServeDeps {
  logger: Logger;
  records: RequestRecords;
}

export type Respond = (engine: Engine, signal: AbortSignal) => Promise<Response>;

/**
 * Serves a request on the model's engine, with a slot leased for the response's lifetime: the one
 * way every API (OpenAI, Ollama, Anthropic, Responses) reaches a model.
 */
export async function serveOnEngine(
  c: Context<ServerEnv>,
  deps: ServeDeps,
  model: string,
  mode: EngineMode,
  respond: Respond,
  /** The API's words for a model the store does not have; DMR's by default. */
  notFound?: (reference: string) => string,
): Promise<Response> {
  const started = performance.now();
  const target = await resolveModelTarget(deps.store, model, notFound);
  const signal = c.req.raw.signal;
  const lease = await deps.scheduler.acquire(target, mode, signal);
  return leasedResponse(lease, signal, (engine) => respond(meteredEngine(engine, deps.metrics, { model, mode }, started), signal));
}

/** Runs requests one after another on an engine, tagging each event with its request's index. */
export async function* generations(engine: Engine, requests: readonly GenerationRequest[], signal: AbortSignal): AsyncGenerator<{ index: number; event: GenerationEvent }> {
  for (const [index, request] of requests.entries()) {
    for await (const event of engine.generate(request, signal)) yield { index, event };
  }
}

import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { EngineMode, GenerationEvent, GenerationRequest } from '../../engine/engine.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { Lease } from '../../scheduler/scheduler-types.js';
import type { Logger } from '../../shared/logger.js';
import type { ModelStore } from '../../store/model-store.js';
import { resolveModelTarget } from '../model-target.js';
import { readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { chatGenerationRequest, completionGenerationRequest } from './generation-request.js';
import {
  chatCompletionBody,
  chatCompletionChunks,
  collectRuns,
  completionMeta,
  embeddingData,
  textCompletionBody,
  textCompletionChunks,
} from './openai-bodies.js';
import { chatCompletionRequest, completionRequest, embeddingRequest } from './openai-schemas.js';
import { sseResponse } from './sse-response.js';

export interface InferenceRouteDeps {
  store: ModelStore;
  scheduler: Scheduler;
  logger: Logger;
}

const openAIErrors: MiddlewareHandler<ServerEnv> = async (c, next) => {
  c.set('errorStyle', 'openai');
  await next();
};

const invalidMessage = { invalidMessage: 'invalid request' };

/**
 * Leases an engine for one request. The lease is returned when the work ends or the client goes
 * away, whichever comes first, so a disconnect frees the slot at once. A preload-only request
 * loads the model and takes no slot.
 */
async function leaseFor(c: Context<ServerEnv>, deps: InferenceRouteDeps, model: string, mode: EngineMode): Promise<Lease | undefined> {
  const target = await resolveModelTarget(deps.store, model);
  if (c.req.header('x-preload-only') === 'true') {
    await deps.scheduler.preload(target, mode);
    return undefined;
  }
  const signal = c.req.raw.signal;
  const lease = await deps.scheduler.acquire(target, mode, signal);
  signal.addEventListener('abort', () => lease.release(), { once: true });
  return lease;
}

async function* leasedGeneration(lease: Lease, requests: readonly GenerationRequest[], signal: AbortSignal): AsyncGenerator<{ index: number; event: GenerationEvent }> {
  try {
    for (const [index, request] of requests.entries()) {
      for await (const event of lease.engine.generate(request, signal)) yield { index, event };
    }
  } finally {
    lease.release();
  }
}

async function* eventsOnly(runs: AsyncIterable<{ event: GenerationEvent }>): AsyncGenerator<GenerationEvent> {
  for await (const { event } of runs) yield event;
}

function preloaded(c: Context<ServerEnv>): Response {
  return c.body(null, 200);
}

/** OpenAI's inference endpoints; one definition, mounted under every engine prefix. */
export function inferenceRoutes(deps: InferenceRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.post('/v1/chat/completions', openAIErrors, async (c) => {
    const body = await readJson(c, chatCompletionRequest, invalidMessage);
    const lease = await leaseFor(c, deps, body.model, 'completion');
    if (!lease) return preloaded(c);
    const meta = completionMeta('chatcmpl', body.model);
    const runs = leasedGeneration(lease, [chatGenerationRequest(body)], c.req.raw.signal);
    if (body.stream) return sseResponse(chatCompletionChunks(meta, eventsOnly(runs), body.stream_options?.include_usage ?? false), deps.logger);
    const [generated] = await collectRuns(runs);
    return c.json(chatCompletionBody(meta, generated!));
  });

  app.post('/v1/completions', openAIErrors, async (c) => {
    const body = await readJson(c, completionRequest, invalidMessage);
    const lease = await leaseFor(c, deps, body.model, 'completion');
    if (!lease) return preloaded(c);
    const meta = completionMeta('cmpl', body.model);
    const prompts = typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
    const runs = leasedGeneration(lease, prompts.map((prompt) => completionGenerationRequest(body, prompt)), c.req.raw.signal);
    if (body.stream) return sseResponse(textCompletionChunks(meta, runs, body.stream_options?.include_usage ?? false), deps.logger);
    return c.json(textCompletionBody(meta, await collectRuns(runs)));
  });

  app.post('/v1/embeddings', openAIErrors, async (c) => {
    const body = await readJson(c, embeddingRequest, invalidMessage);
    const lease = await leaseFor(c, deps, body.model, 'embedding');
    if (!lease) return preloaded(c);
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    const { vectors, promptTokens } = await lease.engine.embed(inputs, c.req.raw.signal).finally(() => lease.release());
    return c.json({
      object: 'list',
      data: embeddingData(vectors, body.encoding_format ?? 'float'),
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  });

  return app;
}

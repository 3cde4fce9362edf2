import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Engine, EngineMode, GenerationEvent, GenerationRequest } from '../../engine/engine.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { Logger } from '../../shared/logger.js';
import type { ModelStore } from '../../store/model-store.js';
import { leasedResponse } from '../leased-response.js';
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

type Respond = (engine: Engine, signal: AbortSignal) => Promise<Response>;

/**
 * Serves a request on the model's engine: resolves the model, then either only loads it (a
 * preload-only request takes no slot) or leases a slot for the response's lifetime.
 */
async function serveOnEngine(c: Context<ServerEnv>, deps: InferenceRouteDeps, model: string, mode: EngineMode, respond: Respond): Promise<Response> {
  const target = await resolveModelTarget(deps.store, model);
  if (c.req.header('x-preload-only') === 'true') {
    await deps.scheduler.preload(target, mode);
    return c.body(null, 200);
  }
  const signal = c.req.raw.signal;
  const lease = await deps.scheduler.acquire(target, mode, signal);
  return leasedResponse(lease, signal, (engine) => respond(engine, signal));
}

async function* generations(engine: Engine, requests: readonly GenerationRequest[], signal: AbortSignal): AsyncGenerator<{ index: number; event: GenerationEvent }> {
  for (const [index, request] of requests.entries()) {
    for await (const event of engine.generate(request, signal)) yield { index, event };
  }
}

async function* eventsOnly(runs: AsyncIterable<{ event: GenerationEvent }>): AsyncGenerator<GenerationEvent> {
  for await (const { event } of runs) yield event;
}

/** OpenAI's inference endpoints; one definition, mounted under every engine prefix. */
export function inferenceRoutes(deps: InferenceRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.post('/v1/chat/completions', openAIErrors, async (c) => {
    const body = await readJson(c, chatCompletionRequest, invalidMessage);
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const meta = completionMeta('chatcmpl', body.model);
      const runs = generations(engine, [chatGenerationRequest(body)], signal);
      if (body.stream) return sseResponse(chatCompletionChunks(meta, eventsOnly(runs), body.stream_options?.include_usage ?? false), deps.logger);
      const [generated] = await collectRuns(runs);
      return c.json(chatCompletionBody(meta, generated!));
    });
  });

  app.post('/v1/completions', openAIErrors, async (c) => {
    const body = await readJson(c, completionRequest, invalidMessage);
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const meta = completionMeta('cmpl', body.model);
      const prompts = typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
      const runs = generations(engine, prompts.map((prompt) => completionGenerationRequest(body, prompt)), signal);
      if (body.stream) return sseResponse(textCompletionChunks(meta, runs, body.stream_options?.include_usage ?? false), deps.logger);
      return c.json(textCompletionBody(meta, await collectRuns(runs)));
    });
  });

  app.post('/v1/embeddings', openAIErrors, async (c) => {
    const body = await readJson(c, embeddingRequest, invalidMessage);
    return serveOnEngine(c, deps, body.model, 'embedding', async (engine, signal) => {
      const inputs = typeof body.input === 'string' ? [body.input] : body.input;
      const { vectors, promptTokens } = await engine.embed(inputs, signal);
      return c.json({
        object: 'list',
        data: embeddingData(vectors, body.encoding_format ?? 'float'),
        model: body.model,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      });
    });
  });

  return app;
}

import { Hono, type MiddlewareHandler } from 'hono';
import type { EngineMode } from '../../engine/engine.js';
import { resolveModelTarget } from '../model-target.js';
import { collapseStream } from '../observability/collapse-stream.js';
import { recordInference } from '../observability/record-inference.js';
import { INVALID_REQUEST, readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { chatGenerationRequest, completionGenerationRequest } from './generation-request.js';
import { collectGeneration, collectRuns } from '../generation/collect-generation.js';
import { generations, serveOnEngine, type InferenceDeps } from '../generation/serve-on-engine.js';
import {
  chatCompletionBody,
  chatCompletionChunks,
  completionMeta,
  embeddingData,
  textCompletionBody,
  textCompletionChunks,
} from './openai-bodies.js';
import { chatCompletionRequest, completionRequest, embeddingRequest, preloadRequest } from './openai-schemas.js';
import { started } from '../generation/started.js';
import { streamResponse } from '../stream-response.js';

/**
 * `X-Preload-Only: true`, as DMR's CLI sends it for `run --detach` (`{"model": m, "messages": []}`):
 * only `model` is read and checked, the model is loaded without taking a request slot, and the
 * answer is 200 with an empty body. Other requests go on to the route's own validation.
 */
function preloadOnly(deps: InferenceDeps, mode: EngineMode): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    if (c.req.header('x-preload-only') !== 'true') return next();
    const { model } = await readJson(c, preloadRequest, INVALID_REQUEST);
    await deps.scheduler.preload(await resolveModelTarget(deps.store, model), mode);
    return c.body(null, 200);
  };
}

/** OpenAI's inference endpoints; one definition, mounted under every engine prefix. */
export function inferenceRoutes(deps: InferenceDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const failure = { log: deps.logger, style: 'openai' } as const;

  app.post('/v1/chat/completions', preloadOnly(deps, 'completion'), recordInference(deps, 'completion', collapseStream), async (c) => {
    const body = await readJson(c, chatCompletionRequest, INVALID_REQUEST);
    const request = chatGenerationRequest(body);
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const meta = completionMeta('chatcmpl', body.model);
      const events = await started(engine.generate(request, signal));
      const logprobs = body.logprobs ?? false;
      if (body.stream) return streamResponse(chatCompletionChunks(meta, events, { includeUsage: body.stream_options?.include_usage ?? false, logprobs }), 'sse', failure);
      const generated = await collectGeneration(events);
      return c.json(chatCompletionBody(meta, generated, logprobs));
    });
  });

  app.post('/v1/completions', preloadOnly(deps, 'completion'), recordInference(deps, 'completion', collapseStream), async (c) => {
    const body = await readJson(c, completionRequest, INVALID_REQUEST);
    const prompts = typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
    const requests = prompts.map((prompt) => completionGenerationRequest(body, prompt));
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const meta = completionMeta('cmpl', body.model);
      const runs = await started(generations(engine, requests, signal));
      const logprobs = body.logprobs != null;
      if (body.stream) return streamResponse(textCompletionChunks(meta, runs, { includeUsage: body.stream_options?.include_usage ?? false, logprobs }), 'sse', failure);
      return c.json(textCompletionBody(meta, await collectRuns(runs), logprobs));
    });
  });

  app.post('/v1/embeddings', preloadOnly(deps, 'embedding'), recordInference(deps, 'embedding', collapseStream), async (c) => {
    const body = await readJson(c, embeddingRequest, INVALID_REQUEST);
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

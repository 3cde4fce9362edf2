import { Hono, type Context, type Handler } from 'hono';
import type { z } from 'zod';
import type { GenerationRequest } from '../../engine/engine.js';
import { RunnerError } from '../../shared/errors.js';
import type { StoredModel } from '../../store/model-store.js';
import { serveOnEngine, type InferenceDeps } from '../generation/serve-on-engine.js';
import { started } from '../generation/started.js';
import { streamResponse } from '../stream-response.js';
import { resolveModelTarget } from '../model-target.js';
import { collapseOllamaStream } from '../observability/collapse-ollama-stream.js';
import { recordInference } from '../observability/record-inference.js';
import { INVALID_REQUEST, readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { configureRunner } from './configure-runner.js';
import { findOllamaModel } from './find-model.js';
import { GenerationTimer } from './generation-timer.js';
import { EMPTY_PIECE, chatObject, collectedObject, generateObject, streamedObjects, type RenderPiece } from './ollama-bodies.js';
import { chatRequestOf, generateRequestOf, modelName, requestedConfig } from './ollama-request.js';
import { chatRequest, generateRequest, type OllamaChatRequest, type OllamaGenerateRequest } from './ollama-schemas.js';


type GenerationBody = Parameters<typeof requestedConfig>[0] & {
  model?: string | undefined;
  name?: string | undefined;
  stream?: boolean | undefined;
  think?: OllamaChatRequest['think'];
};

/**
 * `think` asks for the model's reasoning apart from its answer (Ollama's `thinking`; DMR sets
 * llama.cpp's reasoning budget, -1 or 0). Our engine has no reasoning channel and no budget, so
 * asking for thinking is refused rather than answered without it; `false` asks for nothing the
 * engine does not already do, and is accepted.
 */
function refuseThinking(think: GenerationBody['think']): void {
  if (think === undefined || think === false) return;
  throw new RunnerError('invalid_request', "think is not supported: this runner's engine does not separate a model's reasoning from its answer", { param: 'think' });
}

/** The answer on the model's engine: Ollama's stream (the default) or one object. */
function serveGeneration(c: Context<ServerEnv>, deps: InferenceDeps, name: string, request: GenerationRequest, stream: boolean, timer: GenerationTimer, render: RenderPiece) {
  return serveOnEngine(c, deps, name, 'completion', async (engine, signal) => {
    timer.served();
    const events = await started(engine.generate(request, signal));
    if (stream) return streamResponse(streamedObjects(events, timer, render), 'ndjson', { log: deps.logger, style: 'ollama' });
    return c.json(await collectedObject(events, timer, render));
  });
}

/**
 * Ollama's way to load or unload a model: a chat without messages or an empty prompt loads it
 * (`done_reason` "load"), and unloads it with a keep_alive of 0 ("unload").
 */
async function loadOrUnload(c: Context<ServerEnv>, deps: InferenceDeps, model: StoredModel, name: string, body: GenerationBody, render: RenderPiece) {
  const config = requestedConfig(body);
  if (config.keepAliveMs === 0) {
    await deps.scheduler.unload((id) => id === model.id);
    return c.json(render(EMPTY_PIECE, { done_reason: 'unload' }));
  }
  await configureRunner(deps, { id: model.id, name }, 'completion', config);
  await deps.scheduler.preload(await resolveModelTarget(deps.store, name), 'completion');
  return c.json(render(EMPTY_PIECE, { done_reason: 'load' }));
}

/**
 * One handler for `/api/chat` and `/api/generate`: they differ in their body, how it becomes the
 * engine's request (none when there is nothing to answer: load or unload), and their objects.
 */
function generationHandler<S extends z.ZodType<GenerationBody>>(
  deps: InferenceDeps,
  schema: S,
  renderFor: (name: string) => RenderPiece,
  requestOf: (body: z.infer<S>) => GenerationRequest | undefined,
): Handler<ServerEnv> {
  return async (c) => {
    const timer = new GenerationTimer(performance.now());
    const body = await readJson(c, schema, INVALID_REQUEST);
    refuseThinking(body.think);
    const name = modelName(body);
    const model = await findOllamaModel(deps.store, name);
    const render = renderFor(name);
    const request = requestOf(body);
    if (!request) return loadOrUnload(c, deps, model, name, body, render);
    await configureRunner(deps, { id: model.id, name }, 'completion', requestedConfig(body));
    return serveGeneration(c, deps, name, request, body.stream ?? true, timer, render);
  };
}

/** `/api/chat` and `/api/generate`, over the one generation path every API shares. */
export function ollamaInferenceRoutes(deps: InferenceDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const chat = (body: OllamaChatRequest) => (body.messages?.length ? chatRequestOf(body) : undefined);
  const generate = (body: OllamaGenerateRequest) => (body.prompt || body.images?.length ? generateRequestOf(body, body.prompt ?? '') : undefined);
  app.post('/api/chat', recordInference(deps, 'completion', collapseOllamaStream), generationHandler(deps, chatRequest, chatObject, chat));
  app.post('/api/generate', recordInference(deps, 'completion', collapseOllamaStream), generationHandler(deps, generateRequest, generateObject, generate));
  return app;
}

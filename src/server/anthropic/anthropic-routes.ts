import { Hono } from 'hono';
import { isRunnerError, RunnerError } from '../../shared/errors.js';
import type { ModelStore } from '../../store/model-store.js';
import { collectGeneration } from '../generation/collect-generation.js';
import { serveOnEngine } from '../generation/serve-on-engine.js';
import { collapseAnthropicStream } from '../observability/collapse-anthropic-stream.js';
import { recordInference } from '../observability/record-inference.js';
import type { InferenceRouteDeps } from '../openai/inference-routes.js';
import { readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { messageBody, messageEvents, messageMeta } from './anthropic-bodies.js';
import { countTokensGeneration, messagesGeneration } from './anthropic-request.js';
import { anthropicSse } from './anthropic-sse.js';
import { countTokensRequest, messagesRequest } from './anthropic-schemas.js';

const invalidMessage = { invalidMessage: 'invalid request' };

/** DMR's Anthropic handler checks the model itself, with its own wording, before anything runs. */
async function requireModel(store: ModelStore, model: string): Promise<void> {
  try {
    await store.get(model);
  } catch (error) {
    if (isRunnerError(error, 'not_found')) throw new RunnerError('not_found', `Model not found: ${model}`, { param: 'model' });
    throw error;
  }
}

/** Anthropic's Messages API; one definition, mounted at `/anthropic` and under every engine prefix. */
export function anthropicRoutes(deps: InferenceRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.post('/v1/messages', recordInference(deps, 'completion', collapseAnthropicStream), async (c) => {
    const body = await readJson(c, messagesRequest, invalidMessage);
    const request = messagesGeneration(body);
    await requireModel(deps.store, body.model);
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const meta = messageMeta(body.model);
      const events = engine.generate(request, signal);
      if (body.stream) return anthropicSse(messageEvents(meta, events), deps.logger);
      return c.json(messageBody(meta, await collectGeneration(events)));
    });
  });

  app.post('/v1/messages/count_tokens', recordInference(deps, 'completion', collapseAnthropicStream), async (c) => {
    const body = await readJson(c, countTokensRequest, invalidMessage);
    const request = countTokensGeneration(body);
    await requireModel(deps.store, body.model);
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const { usage } = await collectGeneration(engine.generate(request, signal));
      return c.json({ input_tokens: usage.prompt_tokens });
    });
  });

  return app;
}

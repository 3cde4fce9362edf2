import { Hono } from 'hono';
import { collectGeneration } from '../generation/collect-generation.js';
import { serveOnEngine, type InferenceDeps } from '../generation/serve-on-engine.js';
import { started } from '../generation/started.js';
import { streamResponse } from '../stream-response.js';
import { collapseAnthropicStream } from '../observability/collapse-anthropic-stream.js';
import { recordInference } from '../observability/record-inference.js';
import { INVALID_REQUEST, readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { messageBody, messageEvents, messageMeta } from './anthropic-bodies.js';
import { countTokensGeneration, messagesGeneration } from './anthropic-request.js';
import { countTokensRequest, messagesRequest } from './anthropic-schemas.js';

/** DMR's Anthropic handler words a model the store does not have its own way. */
const notFound = (reference: string) => `Model not found: ${reference}`;

/** Anthropic's Messages API; one definition, mounted at `/anthropic` and under every engine prefix. */
export function anthropicRoutes(deps: InferenceDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.post('/v1/messages', recordInference(deps, 'completion', collapseAnthropicStream), async (c) => {
    const body = await readJson(c, messagesRequest, INVALID_REQUEST);
    const request = messagesGeneration(body);
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const meta = messageMeta(body.model);
      const events = await started(engine.generate(request, signal));
      if (body.stream) return streamResponse(messageEvents(meta, events), 'named-sse', { log: deps.logger, style: 'anthropic' });
      return c.json(messageBody(meta, await collectGeneration(events)));
    }, notFound);
  });

  app.post('/v1/messages/count_tokens', recordInference(deps, 'completion', collapseAnthropicStream), async (c) => {
    const body = await readJson(c, countTokensRequest, INVALID_REQUEST);
    const request = countTokensGeneration(body);
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const { usage } = await collectGeneration(engine.generate(request, signal));
      return c.json({ input_tokens: usage.prompt_tokens });
    }, notFound);
  });

  return app;
}

import { Hono } from 'hono';
import { RunnerError } from '../../shared/errors.js';
import { serveOnEngine, type InferenceDeps } from '../generation/serve-on-engine.js';
import { started } from '../generation/started.js';
import { collapseResponsesStream } from '../observability/collapse-responses-stream.js';
import { recordInference } from '../observability/record-inference.js';
import { INVALID_REQUEST, readJson, validated } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { startedResponse, type ResponseBody } from './response-body.js';
import { ResponseBuilder } from './response-builder.js';
import { inputItems, newId, type ConversationItem } from './response-items.js';
import { responseGeneration } from './response-request.js';
import type { ResponseStore } from './response-store.js';
import { responseStream } from './response-stream.js';
import { createResponseRequest, inputItemsQuery } from './responses-schemas.js';

export interface ResponsesRouteDeps extends InferenceDeps {
  responses: ResponseStore;
}

const notFound = (id: string) => new RunnerError('not_found', `Response with id '${id}' not found.`, { param: 'response_id' });

function storedOrNotFound(deps: ResponsesRouteDeps, id: string) {
  const stored = deps.responses.get(id);
  if (!stored) throw notFound(id);
  return stored;
}

/** The conversation a follow-up continues: the earlier response's own past, its input and its output. */
function historyOf(deps: ResponsesRouteDeps, previousId: string | null | undefined): ConversationItem[] {
  if (!previousId) return [];
  const previous = deps.responses.get(previousId);
  if (!previous) throw new RunnerError('invalid_request', `Previous response with id '${previousId}' not found.`, { param: 'previous_response_id' });
  return [...previous.history, ...previous.input, ...previous.response.output];
}

function pageOf(items: readonly ConversationItem[], query: { limit: number; order: 'asc' | 'desc'; after?: string | undefined }) {
  const ordered = query.order === 'asc' ? items : [...items].reverse();
  const start = query.after === undefined ? 0 : ordered.findIndex((item) => item.id === query.after) + 1;
  if (start === 0 && query.after !== undefined) throw new RunnerError('invalid_request', `no input item has id ${query.after}`, { param: 'after' });
  const data = ordered.slice(start, start + query.limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + data.length < ordered.length };
}

/** OpenAI's Responses API over the one generation path; one definition, mounted under every engine prefix. */
export function responsesRoutes(deps: ResponsesRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.post('/v1/responses', recordInference(deps, 'completion', collapseResponsesStream), async (c) => {
    const body = await readJson(c, createResponseRequest, INVALID_REQUEST);
    const history = historyOf(deps, body.previous_response_id);
    const input = inputItems(body.input);
    const request = responseGeneration(body, history, input);
    return serveOnEngine(c, deps, body.model, 'completion', async (engine, signal) => {
      const builder = new ResponseBuilder(startedResponse(newId('resp'), body));
      const keep = (response: ResponseBody) => {
        if (response.store) deps.responses.save({ response, input, history });
      };
      const events = await started(engine.generate(request, signal));
      if (body.stream) return responseStream(builder, events, keep, deps.logger);
      for await (const event of events) builder.accept(event);
      const response = builder.response();
      keep(response);
      return c.json(response);
    });
  });

  app.get('/v1/responses/:id', (c) => c.json(storedOrNotFound(deps, c.req.param('id')).response));

  app.get('/v1/responses/:id/input_items', (c) => {
    const { input } = storedOrNotFound(deps, c.req.param('id'));
    const query = validated(inputItemsQuery, c.req.query(), INVALID_REQUEST.invalidMessage, 'query');
    return c.json(pageOf(input, query));
  });

  app.delete('/v1/responses/:id', (c) => {
    const id = c.req.param('id');
    if (!deps.responses.delete(id)) throw notFound(id);
    return c.json({ id, object: 'response.deleted', deleted: true });
  });

  return app;
}

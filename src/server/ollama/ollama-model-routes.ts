import { Hono } from 'hono';
import type { ModelDistribution } from '../../distribution/model-distribution.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { Logger } from '../../shared/logger.js';
import type { ModelStore } from '../../store/model-store.js';
import { INVALID_REQUEST, readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { findOllamaModel } from './find-model.js';
import { started } from '../generation/started.js';
import { streamResponse } from '../stream-response.js';
import { psEntry, showBody, tagEntries } from './ollama-models.js';
import { finalPullStatus, pullStatuses } from './ollama-pull.js';
import { modelName } from './ollama-request.js';
import { modelRequest, pullRequest } from './ollama-schemas.js';

export interface OllamaModelDeps {
  store: ModelStore;
  scheduler: Scheduler;
  distribution: ModelDistribution;
  logger: Logger;
}

/** DMR's constant (reference §2.6). */
const OLLAMA_VERSION = '0.1.0';

/** Ollama's model management: version, tags, ps, show, pull and delete, over the store, scheduler and puller. */
export function ollamaModelRoutes(deps: OllamaModelDeps): Hono<ServerEnv> {
  const { store, scheduler, distribution } = deps;
  const app = new Hono<ServerEnv>();

  app.get('/api/version', (c) => c.json({ version: OLLAMA_VERSION }));

  app.get('/api/tags', async (c) => c.json({ models: (await store.list()).flatMap(tagEntries) }));

  app.get('/api/ps', async (c) => {
    const running = scheduler.ps().map(async (status) => psEntry(status, await store.get(status.model_name).catch(() => undefined)));
    return c.json({ models: await Promise.all(running) });
  });

  app.post('/api/show', async (c) => {
    const body = await readJson(c, modelRequest, INVALID_REQUEST);
    return c.json(showBody(await findOllamaModel(store, modelName(body))));
  });

  app.post('/api/pull', async (c) => {
    const body = await readJson(c, pullRequest, INVALID_REQUEST);
    const messages = await distribution.pull(modelName(body), undefined, c.req.raw.signal);
    if (body.stream ?? true) return streamResponse(await started(pullStatuses(messages)), 'ndjson', { log: deps.logger, style: 'ollama' });
    const status = await finalPullStatus(messages);
    return c.json(status, status.error === undefined ? 200 : 500);
  });

  // Unloaded first, so that nothing serves a model whose files are going.
  app.delete('/api/delete', async (c) => {
    const name = modelName(await readJson(c, modelRequest, INVALID_REQUEST));
    const model = await findOllamaModel(store, name);
    await scheduler.unload((id) => id === model.id);
    await store.delete(name, false);
    return c.json({});
  });

  return app;
}

import { Hono } from 'hono';
import type { OpenAIModelList } from '../../api/dmr-types.js';
import type { ModelStore } from '../../store/model-store.js';
import { findModel } from '../model-target.js';
import { toOpenAIModel } from '../model-views.js';
import type { ServerEnv } from '../server-env.js';

export interface OpenAIModelRouteDeps {
  store: ModelStore;
}

/** OpenAI's model list and retrieve, mounted under every engine prefix (reference §2.2). */
export function openAIModelRoutes({ store }: OpenAIModelRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.get('/v1/models', async (c) => {
    const body: OpenAIModelList = { object: 'list', data: (await store.list()).map(toOpenAIModel) };
    return c.json(body);
  });

  app.get('/v1/models/:reference{.+}', async (c) => {
    return c.json(toOpenAIModel(await findModel(store, c.req.param('reference'))));
  });

  return app;
}

import { Hono } from 'hono';
import type { ServerEnv } from '../server-env.js';
import { ollamaEmbeddingRoutes } from './ollama-embedding-routes.js';
import type { InferenceDeps } from '../generation/serve-on-engine.js';
import { ollamaInferenceRoutes } from './ollama-inference-routes.js';
import { ollamaModelRoutes, type OllamaModelDeps } from './ollama-model-routes.js';

/** Ollama's API at `/api/*` (reference §2.6), as Ollama's clients call it. */
export function ollamaRoutes(deps: InferenceDeps & OllamaModelDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.route('/', ollamaModelRoutes(deps));
  app.route('/', ollamaInferenceRoutes(deps));
  app.route('/', ollamaEmbeddingRoutes(deps));
  return app;
}

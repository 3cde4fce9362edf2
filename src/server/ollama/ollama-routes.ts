import { Hono } from 'hono';
import type { ServerEnv } from '../server-env.js';
import { ollamaEmbeddingRoutes } from './ollama-embedding-routes.js';
import { ollamaInferenceRoutes, type OllamaInferenceDeps } from './ollama-inference-routes.js';
import { ollamaModelRoutes, type OllamaModelDeps } from './ollama-model-routes.js';

/** Ollama's API at `/api/*` (reference §2.6), as Ollama's clients call it. */
export function ollamaRoutes(deps: OllamaInferenceDeps & OllamaModelDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.route('/', ollamaModelRoutes(deps));
  app.route('/', ollamaInferenceRoutes(deps));
  app.route('/', ollamaEmbeddingRoutes(deps));
  return app;
}

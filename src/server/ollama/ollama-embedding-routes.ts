import { Hono, type Context } from 'hono';
import type { Engine, EmbeddingResult } from '../../engine/engine.js';
import { serveOnEngine, type InferenceDeps } from '../generation/serve-on-engine.js';
import { collapseOllamaStream } from '../observability/collapse-ollama-stream.js';
import { recordInference } from '../observability/record-inference.js';
import { INVALID_REQUEST, readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { configureRunner } from './configure-runner.js';
import { findOllamaModel } from './find-model.js';
import { GenerationTimer } from './generation-timer.js';
import { modelName, requestedConfig } from './ollama-request.js';
import { embedRequest, legacyEmbeddingsRequest } from './ollama-schemas.js';
import { truncatedToContext } from './truncate-input.js';

/** Ollama's `dimensions`: the first n values, scaled back to unit length as the full vector was. */
function withDimensions(vector: number[], dimensions: number | undefined): number[] {
  if (dimensions === undefined || dimensions >= vector.length) return vector;
  const cut = vector.slice(0, dimensions);
  const norm = Math.sqrt(cut.reduce((sum, value) => sum + value * value, 0));
  return norm > 0 ? cut.map((value) => value / norm) : cut;
}

type EmbedBody = Parameters<typeof requestedConfig>[0] & { model?: string | undefined; name?: string | undefined };

/**
 * What the embedding context evaluates beside an input's own tokens: the beginning and end tokens
 * node-llama-cpp adds (BERT's CLS and SEP), and it needs the whole strictly shorter than the context.
 */
const EMBEDDING_OVERHEAD_TOKENS = 3;

/** The inputs as the engine embeds them: cut to its context when `truncate` asks (too long is an error otherwise). */
async function fitted(engine: Engine, inputs: string[], truncate: boolean): Promise<string[]> {
  const budget = (engine.info.contextSize ?? 0) - EMBEDDING_OVERHEAD_TOKENS;
  if (!truncate || budget <= 0) return inputs;
  const cut: string[] = [];
  for (const input of inputs) cut.push(await truncatedToContext((text) => engine.tokenize(text), input, budget));
  return cut;
}

/** Embeds on the model's embedding worker; no inputs only load it, as Ollama does. */
async function serveEmbedding(
  c: Context<ServerEnv>,
  deps: InferenceDeps,
  timer: GenerationTimer,
  body: EmbedBody,
  inputs: string[],
  truncate: boolean,
  answer: (result: EmbeddingResult, name: string) => object,
) {
  const name = modelName(body);
  const model = await findOllamaModel(deps.store, name);
  await configureRunner(deps, { id: model.id, name }, 'embedding', requestedConfig(body));
  return serveOnEngine(c, deps, name, 'embedding', async (engine, signal) => {
    timer.served();
    const result = inputs.length > 0 ? await engine.embed(await fitted(engine, inputs, truncate), signal) : { vectors: [], promptTokens: 0 };
    return c.json(answer(result, name));
  });
}

/** `/api/embed` and the legacy `/api/embeddings` that older clients still call. */
export function ollamaEmbeddingRoutes(deps: InferenceDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.post('/api/embed', recordInference(deps, 'embedding', collapseOllamaStream), async (c) => {
    const timer = new GenerationTimer(performance.now());
    const body = await readJson(c, embedRequest, INVALID_REQUEST);
    const inputs = body.input === undefined ? [] : typeof body.input === 'string' ? [body.input] : body.input;
    return serveEmbedding(c, deps, timer, body, inputs, body.truncate ?? true, ({ vectors, promptTokens }, name) => ({
      model: name,
      embeddings: vectors.map((vector) => withDimensions(vector, body.dimensions)),
      ...timer.embedStats(),
      prompt_eval_count: promptTokens,
    }));
  });

  app.post('/api/embeddings', recordInference(deps, 'embedding', collapseOllamaStream), async (c) => {
    const timer = new GenerationTimer(performance.now());
    const body = await readJson(c, legacyEmbeddingsRequest, INVALID_REQUEST);
    return serveEmbedding(c, deps, timer, body, body.prompt ? [body.prompt] : [], false, ({ vectors }) => ({ embedding: vectors[0] ?? [] }));
  });

  return app;
}

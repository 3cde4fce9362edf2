import type { Engine, EmbeddingResult, GenerationEvent, GenerationRequest } from '../../engine/engine.js';
import type { InferenceLabels, RunnerMetrics } from './runner-metrics.js';

/**
 * The engine as one request uses it, counting into the metrics what only the engine knows: tokens,
 * and the time from `startedAt` (a `performance.now()`) to the request's first token.
 */
export function meteredEngine(engine: Engine, metrics: RunnerMetrics, labels: InferenceLabels, startedAt: number): Engine {
  let firstToken = true;
  return {
    get info() {
      return engine.info;
    },
    get pid() {
      return engine.pid;
    },
    exited: engine.exited,
    async *generate(request: GenerationRequest, signal: AbortSignal): AsyncIterable<GenerationEvent> {
      for await (const event of engine.generate(request, signal)) {
        if (!('finish' in event) && firstToken) {
          firstToken = false;
          metrics.firstToken(labels, (performance.now() - startedAt) / 1000);
        }
        if ('finish' in event) metrics.tokens(labels, event.finish.promptTokens, event.finish.completionTokens);
        yield event;
      }
    },
    async embed(inputs: readonly string[], signal: AbortSignal): Promise<EmbeddingResult> {
      const result = await engine.embed(inputs, signal);
      metrics.tokens(labels, result.promptTokens, 0);
      return result;
    },
    tokenize: (text) => engine.tokenize(text),
    close: () => engine.close(),
  };
}

import { posix } from 'node:path';
import { Hono } from 'hono';
import { RunnerError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { ModelDistribution } from '../distribution/model-distribution.js';
import type { ModelStore } from '../store/model-store.js';
import { anthropicRoutes } from './anthropic/anthropic-routes.js';
import { apiKeyGuard } from './api-key-guard.js';
import { errorStyleFor } from './error-style.js';
import { originGuard } from './origin-guard.js';
import { asRunnerError, renderError } from './render-error.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { inferenceRoutes } from './openai/inference-routes.js';
import { ollamaRoutes } from './ollama/ollama-routes.js';
import type { ResponseStore } from './responses/response-store.js';
import { responsesRoutes } from './responses/responses-routes.js';
import { engineRoutes, type EngineRouteDeps } from './routes/engine-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { openAIModelRoutes } from './routes/openai-model-routes.js';
import { rootRoutes } from './routes/root-routes.js';
import type { ServerEnv } from './server-env.js';
import type { LogFeed } from '../logs/log-feed.js';
import { httpMetrics } from './observability/http-metrics.js';
import { logsRoutes } from './observability/logs-routes.js';
import { metricsRoutes } from './observability/metrics-routes.js';
import type { RequestRecords } from './observability/request-records.js';
import { requestsRoutes } from './observability/requests-routes.js';
import type { RunnerMetrics } from './observability/runner-metrics.js';

export interface AppDeps extends EngineRouteDeps {
  /** Browser origins allowed to call the runner (DMR_ORIGINS and DMR's loopback defaults). */
  allowedOrigins: readonly string[];
  /** When set, every route but the root page needs it (`MODEL_RUNNER_API_KEY`). */
  apiKey: string | undefined;
  store: ModelStore;
  distribution: ModelDistribution;
  scheduler: Scheduler;
  logger: Logger;
  version: string;
  records: RequestRecords;
  metrics: RunnerMetrics;
  /** False (`DISABLE_METRICS`): no `/metrics` route, as DMR; the metrics are still kept. */
  serveMetrics: boolean;
  /** The log directory read by `/logs`; undefined when there is none (501). */
  logs: LogFeed | undefined;
  /** Responses created with `store`, for retrieval and `previous_response_id`. */
  responses: ResponseStore;
  /** Aborts when the runner stops, ending the streams clients follow (`/logs?follow`, `/engines/requests`). */
  closing: AbortSignal;
}

/** Docker Desktop serves the same API under this prefix; clients written for it work here too. */
export const DESKTOP_PREFIX = '/exp/vDD4.40';

/** A request's path as the API routes see it: Desktop's prefix taken off. */
function apiPath(path: string): string {
  if (path === DESKTOP_PREFIX) return '/';
  return path.startsWith(`${DESKTOP_PREFIX}/`) ? path.slice(DESKTOP_PREFIX.length) : path;
}

const BACKENDS = new Set(['llama.cpp']);

/** nginx's status for a request whose client closed the connection; nobody reads it, logs may. */
const CLIENT_CLOSED_REQUEST = 499;

/** OpenAI's API and Anthropic's Messages answer at `/engines/<backend>/v1/…`, `/engines/v1/…` and, as DMR's alias, `/v1/…`. */
function openAIRoutes(deps: AppDeps): Hono<ServerEnv> {
  const engines = new Hono<ServerEnv>();
  engines.route('/', openAIModelRoutes(deps));
  engines.route('/', inferenceRoutes(deps));
  engines.route('/', anthropicRoutes(deps));
  engines.route('/', responsesRoutes(deps));
  const app = new Hono<ServerEnv>();
  app.use('/engines/:backend/v1/*', async (c, next) => {
    if (!BACKENDS.has(c.req.param('backend'))) throw new RunnerError('not_found', 'backend not found');
    await next();
  });
  app.route('/engines/:backend', engines);
  app.route('/engines', engines);
  app.route('/', engines);
  return app;
}

function api(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.route('/', rootRoutes(deps.version));
  app.route('/', modelRoutes(deps));
  app.route('/', engineRoutes(deps));
  app.route('/', requestsRoutes(deps));
  app.route('/', logsRoutes(deps));
  if (deps.serveMetrics) app.route('/', metricsRoutes(deps.metrics));
  app.route('/', openAIRoutes(deps));
  app.route('/', ollamaRoutes(deps));
  app.route('/anthropic', anthropicRoutes(deps));
  return app;
}

/** Go's ServeMux cleans `//` and `.` segments before routing; DMR clients rely on it. */
function cleanPath(request: Request): Request {
  const url = new URL(request.url);
  const cleaned = posix.normalize(url.pathname);
  if (cleaned === url.pathname) return request;
  url.pathname = cleaned;
  const { method, headers, body, signal } = request;
  return new Request(url, { method, headers, body, signal, duplex: 'half' });
}

export function createApp(deps: AppDeps): { fetch: (request: Request) => Promise<Response> } {
  // Not strict, so the prefix alone (`/exp/vDD4.40/`) reaches the root page as Desktop answers it.
  const app = new Hono<ServerEnv>({ strict: false });
  app.use(httpMetrics(deps.metrics));
  app.use(async (c, next) => {
    c.set('errorStyle', errorStyleFor(apiPath(c.req.path)));
    await next();
  });
  app.use(originGuard(deps.allowedOrigins));
  if (deps.apiKey !== undefined) app.use(apiKeyGuard(deps.apiKey, (path) => apiPath(path) === '/'));
  app.route(DESKTOP_PREFIX, api(deps));
  app.route('/', api(deps));
  app.notFound(() => renderError(new RunnerError('not_found', '404 page not found'), 'text'));
  app.onError((error, c) => {
    // A client that leaves is normal; whatever its request was waiting for failed because of that.
    if (c.req.raw.signal.aborted) {
      deps.logger.debug({ err: error, path: c.req.path }, 'client left before its answer');
      return new Response(null, { status: CLIENT_CLOSED_REQUEST });
    }
    return renderError(asRunnerError(error, deps.logger), c.get('errorStyle') ?? 'text');
  });
  return { fetch: async (request) => app.fetch(cleanPath(request)) };
}

import { Hono } from 'hono';
import { RunnerError } from '../../shared/errors.js';
import type { ServerEnv } from '../server-env.js';
import type { RunnerMetrics } from './runner-metrics.js';

/** DMR answers every other method with Go's 405 (HEAD is GET's, as Hono serves it). */
const OTHER_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** `GET /metrics`: the runner's Prometheus metrics in the text format. */
export function metricsRoutes(metrics: RunnerMetrics): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  app.on(OTHER_METHODS, '/metrics', () => {
    throw new RunnerError('method_not_allowed', 'Method Not Allowed');
  });
  return app;
}

import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { ServerEnv } from '../server-env.js';
import { observeResponse } from '../observed-response.js';
import type { RunnerMetrics } from './runner-metrics.js';

/**
 * The route pattern that answered (`/models/:rest{.+}`), never the raw path, so labels stay few.
 * When no route answered (a 404 from the fallback, or a guard's refusal), the pattern is that of a
 * middleware; those are reported as `unmatched`.
 */
function routeLabel(c: Context<ServerEnv>): string {
  const route = matchedRoutes(c)[c.req.routeIndex];
  return route && route.method !== 'ALL' ? route.path : 'unmatched';
}

/**
 * Times every request to its last byte: a stream's as it is sent, a complete body's when it is
 * handed to the server to send, a HEAD request's, whose body Hono drops, at its headers.
 */
export function httpMetrics(metrics: RunnerMetrics): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const { method } = c.req;
    const route = routeLabel(c);
    const status = c.res.status;
    const observe = () => metrics.http(method, route, status, (performance.now() - started) / 1000);
    if (method === 'HEAD') observe();
    else await observeResponse(c, observe);
  };
}

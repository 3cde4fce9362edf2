import type { MiddlewareHandler } from 'hono';
import { RunnerError } from '../shared/errors.js';
import { renderError } from './render-error.js';
import type { ServerEnv } from './server-env.js';

/**
 * DMR's CORS rule (reference §1.4). Any web page can make a browser send a "simple" request (a
 * form-encoded or text/plain POST) to localhost without a preflight, so a request whose Origin is
 * not allowed is refused before any route sees it. Requests without an Origin (curl, SDKs,
 * containers) pass untouched. Origins are compared literally, as DMR compares them; `*` in the
 * list allows every origin. An allowed preflight is answered here with 204.
 */
export function originGuard(allowedOrigins: readonly string[]): MiddlewareHandler<ServerEnv> {
  const allowAll = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins);
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined) return next();
    // DMR refuses in front of every route, in Go's plain text whatever API the route speaks.
    if (!allowAll && !allowed.has(origin)) return renderError(new RunnerError('forbidden', 'Origin not allowed'), 'text');
    if (c.req.method !== 'OPTIONS') {
      await next();
      // Set on the finished response: streamed ones are built without the context's headers.
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      return;
    }
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Credentials', 'true');
    c.header('Access-Control-Allow-Methods', 'GET, POST, DELETE');
    c.header('Access-Control-Allow-Headers', '*');
    return c.body(null, 204);
  };
}

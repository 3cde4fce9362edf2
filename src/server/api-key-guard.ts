import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { RunnerError } from '../shared/errors.js';
import type { ServerEnv } from './server-env.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The key a request presents: `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key` (Anthropic's). */
function presentedKey(authorization: string | undefined, apiKey: string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  return bearer ?? apiKey;
}

/**
 * With a key set, every route but the root page (which only says the runner is running) needs it.
 * Digests of equal length are compared in constant time, so the comparison leaks neither the key
 * nor its length. The key is never logged.
 */
export function apiKeyGuard(key: string, isRootPage: (path: string) => boolean): MiddlewareHandler<ServerEnv> {
  const expected = digest(key);
  return async (c, next) => {
    if (c.req.method === 'GET' && isRootPage(c.req.path)) return next();
    const presented = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new RunnerError('unauthorized', 'invalid or missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"');
    }
    return next();
  };
}

import { Hono, type Context } from 'hono';
import type { LogFeed } from '../../logs/log-feed.js';
import { RunnerError } from '../../shared/errors.js';
import type { ServerEnv } from '../server-env.js';
import { streamedResponse } from '../stream-body.js';

export interface LogsRouteDeps {
  /** Undefined when the runner keeps no log directory. */
  logs: LogFeed | undefined;
  /** Aborts when the runner stops: followers are let go rather than cut after the grace period. */
  closing: AbortSignal;
}

const GO_BOOLEANS: Readonly<Record<string, boolean>> = { 1: true, t: true, T: true, TRUE: true, true: true, True: true, 0: false, f: false, F: false, FALSE: false, false: false, False: false };

/** A query flag as Go's strconv.ParseBool reads it; absent or empty is false. */
function flag(c: Context<ServerEnv>, name: string): boolean {
  const value = c.req.query(name) ?? '';
  if (value === '') return false;
  const parsed = GO_BOOLEANS[value];
  if (parsed === undefined) throw new RunnerError('invalid_request', `invalid ${name} parameter: ${JSON.stringify(value)} is not a valid boolean`);
  return parsed;
}

async function* encoded(text: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  for await (const block of text) yield Buffer.from(block);
}

/** `GET /logs`: the service and engine logs merged by time, optionally followed (reference §2.5). */
export function logsRoutes(deps: LogsRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/logs', async (c) => {
    if (!deps.logs) throw new RunnerError('not_implemented', 'logs API not available: log directory not configured');
    const follow = flag(c, 'follow');
    const engines = !flag(c, 'no-engines');
    const text = await deps.logs.read({ engines, follow, signal: AbortSignal.any([c.req.raw.signal, deps.closing]) });
    return streamedResponse(encoded(text), { headers: { 'content-type': 'text/plain' } });
  });
  return app;
}

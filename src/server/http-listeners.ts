import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { lstat, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from '../shared/logger.js';

export interface ListenOptions {
  port: number;
  bind: string;
  socketPath: string | undefined;
}

export interface Listeners {
  readonly port: number;
  readonly socketPath: string | undefined;
  /**
   * Lets the requests in flight now finish for up to `graceMs` while still accepting (so new
   * requests get the app's answer, a 503 for work once the runner stops accepting it, rather
   * than a refused connection), then stops listening and cuts what is left.
   */
  close(graceMs: number): Promise<void>;
}

function listenOn(server: Server, target: { port: number; host: string } | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (typeof target === 'string') server.listen(target, done);
    else server.listen(target.port, target.host, done);
  });
}

function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** A socket file left by a runner that died is removed; a live one, or a non-socket, is not touched. */
async function prepareSocketPath(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const existing = await lstat(path).catch(() => undefined);
  if (!existing) return;
  if (!existing.isSocket()) throw new Error(`${path} exists and is not a socket`);
  if (await socketInUse(path)) throw new Error(`another process is listening on ${path}`);
  await rm(path, { force: true });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Settles when every response in `responses` has closed, or after `graceMs`. */
function finished(responses: readonly ServerResponse[], graceMs: number): Promise<void> {
  const open = responses.filter((response) => !response.closed);
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, graceMs);
    void Promise.all(open.map((response) => once(response, 'close'))).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Serves one fetch handler on TCP and, unless disabled, on a Unix socket at the same time. */
export async function listen(
  fetch: (request: Request) => Promise<Response>,
  options: ListenOptions,
  logger: Logger,
): Promise<Listeners> {
  const listener = getRequestListener(fetch, {
    errorHandler: (error) => {
      logger.error({ err: error }, 'request failed');
    },
  });
  const inFlight = new Set<ServerResponse>();
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    return listener(request, response);
  };
  const tcp = createServer(handler);
  await listenOn(tcp, { port: options.port, host: options.bind });
  const servers = [tcp];
  const { socketPath } = options;
  if (socketPath !== undefined) {
    await prepareSocketPath(socketPath);
    const unix = createServer(handler);
    await listenOn(unix, socketPath);
    servers.push(unix);
  }
  return {
    port: (tcp.address() as AddressInfo).port,
    socketPath,
    async close(graceMs) {
      await finished([...inFlight], graceMs);
      await Promise.all(servers.map(closeServer));
      if (socketPath !== undefined) await rm(socketPath, { force: true });
    },
  };
}

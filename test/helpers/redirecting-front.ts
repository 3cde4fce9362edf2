import { createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardHeaders, forwardRequest } from './forward-request.js';
import { Readable } from 'node:stream';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface BlobCdn {
  /** `http://localhost:<port>`: another origin than the front's `127.0.0.1`. */
  url: string;
  requests: SeenRequest[];
}

export interface RedirectingFront {
  url: string;
  host: string;
  /** Every request the front received, before it proxied or redirected it. */
  requests: SeenRequest[];
  cdn: BlobCdn;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface RedirectingFrontOptions {
  /** The registry behind the front, e.g. `http://127.0.0.1:5000`. */
  registryUrl: string;
  /** What the CDN presents to the registry to fetch the blobs it serves. */
  credentials: { username: string; password: string };
}

const BLOB_PATH = /^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/;
function record(into: SeenRequest[], req: IncomingMessage): SeenRequest {
  const seen: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers } };
  into.push(seen);
  return seen;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** Serves blob bytes it fetches from the registry with its own credentials, as object storage would hold them. */
function cdnHandler(options: RedirectingFrontOptions, requests: SeenRequest[]) {
  const authorization = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  return async (req: IncomingMessage, res: ServerResponse) => {
    const seen = record(requests, req);
    const path = new URL(seen.path, 'http://cdn').pathname;
    if ((seen.method !== 'GET' && seen.method !== 'HEAD') || !BLOB_PATH.test(path)) return void res.writeHead(404).end();
    try {
      const headers: Record<string, string> = { authorization };
      if (req.headers.range) headers.range = req.headers.range;
      const upstream = await fetch(`${options.registryUrl}${path}`, { method: seen.method, headers });
      const out: OutgoingHttpHeaders = {};
      for (const name of ['content-length', 'content-type', 'content-range', 'accept-ranges', 'docker-content-digest']) {
        const value = upstream.headers.get(name);
        if (value !== null) out[name] = value;
      }
      res.writeHead(upstream.status, out);
      if (!upstream.body) return void res.end();
      Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream<Uint8Array>)
        .once('error', () => res.destroy())
        .pipe(res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`cdn cannot fetch the blob: ${(error as Error).message}\n`);
    }
  };
}

/**
 * A front for a registry that proxies everything to it, except authenticated blob GETs, which it
 * answers `307` to a "CDN" on another origin (as Docker Hub and S3-backed registries do). Both
 * servers record the headers of what they receive.
 */
export async function startRedirectingFront(options: RedirectingFrontOptions): Promise<RedirectingFront> {
  const target = new URL(options.registryUrl);
  const requests: SeenRequest[] = [];
  const cdnRequests: SeenRequest[] = [];
  const cdnServer = createServer((req, res) => void cdnHandler(options, cdnRequests)(req, res));
  const cdnUrl = `http://localhost:${await listen(cdnServer)}`;
  let frontOrigin = '';

  const front = createServer((req, res) => {
    const seen = record(requests, req);
    if (seen.method === 'GET' && BLOB_PATH.test(seen.path) && req.headers.authorization) {
      // A signed, expiring URL, as object storage hands out: the client must keep the query.
      res.writeHead(307, { location: `${cdnUrl}${seen.path}?expires=${Date.now() + 60_000}&signature=test` }).end();
      return;
    }
    const upstreamReq = forwardRequest(req, target);
    upstreamReq.once('response', (upstream) => {
      const headers = forwardHeaders(upstream.headers);
      const location = upstream.headers.location;
      if (location?.startsWith(target.origin)) headers.location = frontOrigin + location.slice(target.origin.length);
      res.writeHead(upstream.statusCode ?? 502, headers);
      upstream.pipe(res);
    });
    upstreamReq.once('error', (error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`registry unreachable: ${error.message}\n`);
    });
    req.pipe(upstreamReq);
  });
  let frontPort: number;
  try {
    frontPort = await listen(front);
  } catch (error) {
    await closeServer(cdnServer);
    throw error;
  }
  frontOrigin = `http://127.0.0.1:${frontPort}`;
  const close = async () => {
    await Promise.all([closeServer(front), closeServer(cdnServer)]);
  };
  return {
    url: frontOrigin,
    host: `127.0.0.1:${frontPort}`,
    requests,
    cdn: { url: cdnUrl, requests: cdnRequests },
    close,
    [Symbol.asyncDispose]: close,
  };
}

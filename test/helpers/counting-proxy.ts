import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { forwardHeaders, forwardRequest } from './forward-request.js';

export interface ProxiedRequest {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
  /** 0 until the upstream answers; 502 when it could not be reached. */
  status: number;
  /** Response body bytes actually written to the client so far. */
  bodyBytes: number;
}

export interface CountingProxy {
  url: string;
  host: string;
  requests: ProxiedRequest[];
  /** Response body bytes sent for GETs whose path contains `pathSubstring`. */
  bytesFor(pathSubstring: string): number;
  /**
   * The next GET whose path contains `pathSubstring` forwards only `bytes` body bytes and then
   * stalls with the client connection open; `held` resolves then. Once the upstream is gone (the
   * test kills the registry), the client socket is destroyed, so the client sees a broken
   * transfer rather than a clean end.
   */
  holdAfter(pathSubstring: string, bytes: number): { held: Promise<void> };
  /** The next GET whose path contains `pathSubstring` is forwarded only once `until` has settled. */
  delayUntil(pathSubstring: string, until: Promise<unknown>): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface CountingProxyOptions {
  /** Rewrite Location headers that point at the registry so follow-ups go through the proxy too (default true). */
  rewriteLocation?: boolean;
}

interface Hold {
  pathSubstring: string;
  bytes: number;
  resolve(): void;
}

/** Resolves once nothing accepts connections at the target any more. */
function whenUnreachable(target: URL, stillWaiting: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const probe = () => {
      if (!stillWaiting()) return resolve();
      const socket = connect(Number(target.port), target.hostname);
      socket.once('connect', () => {
        socket.destroy();
        setTimeout(probe, 25);
      });
      socket.once('error', () => resolve());
    };
    probe();
  });
}

/** A reverse proxy in front of a registry that counts what it forwards and can stall a download. */
export async function startCountingProxy(targetUrl: string, options: CountingProxyOptions = {}): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const requests: ProxiedRequest[] = [];
  const holds: Hold[] = [];
  const delays: { pathSubstring: string; until: Promise<unknown> }[] = [];
  let proxyOrigin = '';

  const relay = (record: ProxiedRequest, upstream: IncomingMessage, res: ServerResponse) => {
    record.status = upstream.statusCode ?? 502;
    const headers = forwardHeaders(upstream.headers);
    // Redirects pass through unfollowed, but ones back to the registry itself stay on the proxy.
    const location = upstream.headers.location;
    if (options.rewriteLocation !== false && location?.startsWith(target.origin)) headers.location = proxyOrigin + location.slice(target.origin.length);
    res.writeHead(record.status, headers);
    const holdIndex = record.method === 'GET' ? holds.findIndex((hold) => record.path.includes(hold.pathSubstring)) : -1;
    const hold = holdIndex >= 0 ? holds.splice(holdIndex, 1)[0] : undefined;
    let holding = false;
    upstream.on('data', (chunk: Buffer) => {
      if (holding) return;
      const room = hold ? hold.bytes - record.bodyBytes : chunk.length;
      const part = room < chunk.length ? chunk.subarray(0, room) : chunk;
      record.bodyBytes += part.length;
      if (!res.write(part)) upstream.pause();
      if (hold && record.bodyBytes >= hold.bytes) {
        holding = true;
        // Not reading leaves the registry blocked mid-send, so the transfer is still in flight when killed.
        upstream.pause();
        hold.resolve();
        void whenUnreachable(target, () => !res.destroyed).then(() => {
          res.destroy();
          upstream.destroy();
        });
      }
    });
    res.on('drain', () => !holding && upstream.resume());
    upstream.once('end', () => (holding ? res.destroy() : res.end()));
    upstream.once('error', () => res.destroy());
    upstream.once('close', () => !upstream.complete && res.destroy());
    res.once('close', () => upstream.destroy());
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const record: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0, bodyBytes: 0 };
    if (req.headers.range) record.range = req.headers.range;
    if (req.headers.authorization) record.authorization = req.headers.authorization;
    requests.push(record);
    const delayIndex = record.method === 'GET' ? delays.findIndex((delay) => record.path.includes(delay.pathSubstring)) : -1;
    const delay = delayIndex >= 0 ? delays.splice(delayIndex, 1)[0]!.until : undefined;
    const forward = () => {
      const upstreamReq = forwardRequest(req, target, { freshConnection: true });
      upstreamReq.once('response', (upstream) => relay(record, upstream, res));
      upstreamReq.once('error', (error) => {
        if (res.headersSent) return void res.destroy();
        record.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream unreachable: ${error.message}\n`);
      });
      res.once('close', () => !res.writableFinished && upstreamReq.destroy());
      req.pipe(upstreamReq);
    };
    if (delay) void delay.finally(forward);
    else forward();
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxyOrigin = `http://127.0.0.1:${port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    url: proxyOrigin,
    host: `127.0.0.1:${port}`,
    requests,
    bytesFor: (pathSubstring) =>
      requests.filter((r) => r.method === 'GET' && r.path.includes(pathSubstring)).reduce((sum, r) => sum + r.bodyBytes, 0),
    holdAfter: (pathSubstring, bytes) => {
      let resolve!: () => void;
      const held = new Promise<void>((done) => (resolve = done));
      holds.push({ pathSubstring, bytes, resolve });
      return { held };
    },
    delayUntil: (pathSubstring, until) => {
      delays.push({ pathSubstring, until });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

import { request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

export function forwardHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));
}

/** The request a test proxy sends upstream for `req`: same method, path and end-to-end headers. */
export function forwardRequest(req: IncomingMessage, target: URL, options: { freshConnection?: boolean } = {}): ClientRequest {
  return request({
    hostname: target.hostname,
    port: target.port,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: { ...forwardHeaders(req.headers), host: target.host },
    ...(options.freshConnection ? { agent: false } : {}),
  });
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub answers for one path. */
export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body in pieces without a Content-Length (chunked), so its size is only known by reading it. */
  chunked?: boolean;
}

export interface FakeRegistry {
  host: string;
  url: string;
  /** Every request served, as `METHOD /path`. */
  requests: string[];
  /** Sets the answer for GET (and HEAD) of `path`; unknown paths get the registry's 404 NAME_UNKNOWN. */
  answer(path: string, answer: FakeAnswer): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The OCI distribution spec's error body. */
export function registryErrorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

const CHUNK = 64 * 1024;

function send(res: ServerResponse, answer: FakeAnswer, head: boolean): void {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : Buffer.from(answer.body ?? new Uint8Array());
  const headers = { 'docker-distribution-api-version': 'registry/2.0', ...answer.headers };
  if (!answer.chunked) {
    res.writeHead(answer.status, { ...headers, 'content-length': String(body.byteLength) });
    return void res.end(head ? undefined : body);
  }
  res.writeHead(answer.status, headers);
  if (head) return void res.end();
  for (let offset = 0; offset < body.byteLength; offset += CHUNK) res.write(body.subarray(offset, offset + CHUNK));
  res.end();
}

/**
 * A stub OCI registry on 127.0.0.1 for answers a real registry never gives (a 500, a manifest
 * over the size limit); everything else is tested against the real one (registry-server.ts).
 */
export async function startFakeRegistry(): Promise<FakeRegistry> {
  const answers = new Map<string, FakeAnswer>();
  const requests: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    requests.push(`${req.method} ${path}`);
    req.resume();
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return send(res, { status: 405, body: registryErrorBody('UNSUPPORTED', 'read-only stub') }, false);
    if (path === '/v2/') return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }, head);
    const answer = answers.get(path) ?? { status: 404, headers: { 'content-type': 'application/json' }, body: registryErrorBody('NAME_UNKNOWN', 'repository name not known to registry') };
    send(res, answer, head);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (path, answer) => void answers.set(path, answer),
    close,
    [Symbol.asyncDispose]: close,
  };
}

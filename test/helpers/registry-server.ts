import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, sign, X509Certificate, createHash, createPublicKey, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** Token mode: whether anonymous callers are granted `pull` (true) or nothing (false). */
  anonymousPull?: boolean;
  /** Where it listens; 0.0.0.0 lets containers reach it at the bridge gateway. `host` and `url` stay on loopback. */
  listen?: string;
  /** HTTPS with a certificate of a CA of its own (`caPath`), for 127.0.0.1 and the bridge gateway 172.17.0.1. */
  tls?: boolean;
}

export interface TokenRequest {
  /** The username presented (right or wrong), or false for an anonymous request. */
  authorization: string | false;
  scopes: string[];
  status: number;
}

export interface RunningRegistry {
  host: string;
  url: string;
  /** With `tls`: the PEM certificate of the CA that signed the registry's. */
  caPath?: string;
  storageDir: string;
  credentials?: { username: string; password: string };
  /** Token mode: the realm the registry's Bearer challenges name, and every request it served. */
  tokenRealm?: string;
  tokenRequests?: TokenRequest[];
  /** The registry's stderr (its own log) and stdout (its access log, combined log format), by line. */
  logs: string[];
  accessLog: string[];
  /** SIGTERM, wait for exit, remove the temporary directory (storage included). */
  stop(): Promise<void>;
  /** SIGKILL, wait for exit; storage stays so `restart()` can bring the same content back. */
  kill(): Promise<void>;
  /** Starts the registry again on the same port and storage and waits until it answers. */
  restart(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export const tokenService = 'model-runner-test-registry';
const tokenIssuer = 'model-runner-test-issuer';

// A test worker that exits without stopping its registries must not leave them listening (spawn
// is not detached, and this catches the ordinary exit paths) nor their storage behind.
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The key id libtrust derives and distribution accepts as `kid` when a token carries no x5c. */
export function libtrustKeyId(certPem: string): string {
  const spki = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  const bits = createHash('sha256').update(spki).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let encoded = '';
  for (let i = 0; i < bits.length; i += 5) {
    const chunk = bits.subarray(i, i + 5).reduce((value, byte) => value * 256n + BigInt(byte), 0n);
    for (let shift = 35n; shift >= 0n; shift -= 5n) encoded += alphabet[Number((chunk >> shift) & 31n)];
  }
  return encoded.match(/.{4}/g)!.join(':');
}

interface Grant {
  type: string;
  name: string;
  actions: string[];
}

/** `repository:library/x:pull,push` entries, several per scope parameter, space separated. */
function parseScopes(scopes: string[]): Grant[] {
  return scopes
    .flatMap((scope) => scope.split(' '))
    .filter(Boolean)
    .map((entry) => {
      const parts = entry.split(':');
      const actions = parts.length > 2 ? parts.pop()!.split(',').filter(Boolean) : [];
      const type = parts.shift() ?? '';
      return { type, name: parts.join(':'), actions };
    });
}

function basicUser(req: IncomingMessage): { username: string; password: string } | undefined {
  const [scheme, value] = (req.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return undefined;
  const decoded = Buffer.from(value, 'base64').toString();
  const colon = decoded.indexOf(':');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

interface TokenEndpoint {
  server: Server;
  realm: string;
  requests: TokenRequest[];
}

async function startTokenEndpoint(dir: string, credentials: { username: string; password: string }, anonymousPull: boolean): Promise<TokenEndpoint & { certPath: string }> {
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=model-runner-test-token-issuer']);
  const key = await readFile(keyPath, 'utf8');
  const certDer = new X509Certificate(await readFile(certPath)).raw.toString('base64');
  const requests: TokenRequest[] = [];

  const issue = (subject: string, access: Grant[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer] };
    const claims = { iss: tokenIssuer, sub: subject, aud: tokenService, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${input}.${base64url(sign('sha256', Buffer.from(input), key))}`;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (req.method !== 'GET' || url.pathname !== '/token') return void res.writeHead(404).end();
    const scopes = url.searchParams.getAll('scope');
    const user = basicUser(req);
    const record: TokenRequest = { authorization: user?.username ?? false, scopes, status: 200 };
    requests.push(record);
    if (user && (user.username !== credentials.username || user.password !== credentials.password)) {
      record.status = 401;
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"wrong username or password"}');
    }
    const requested = parseScopes(scopes);
    const access = user ? requested : requested.map((grant) => ({ ...grant, actions: anonymousPull ? grant.actions.filter((action) => action === 'pull') : [] }));
    const token = issue(user?.username ?? '', access.filter((grant) => grant.actions.length > 0));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  };

  const server = createHttpServer(handle);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, realm: `http://127.0.0.1:${port}/token`, requests, certPath };
}

/** The status of `GET <url>`, 0 when nothing answers; over HTTPS trusting `ca` (fetch cannot be given a CA). */
function probe(url: string, ca: Buffer | undefined): Promise<number> {
  if (!ca) return fetch(url, { signal: AbortSignal.timeout(1000) }).then(async (res) => (await res.arrayBuffer(), res.status), () => 0);
  return new Promise((resolve) => {
    const request = httpsGet(url, { ca, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => request.destroy());
  });
}

/** A CA of its own, and a certificate it signs for the addresses the registry is reached at. */
async function makeCertificates(dir: string): Promise<{ caPath: string; certPath: string; keyPath: string }> {
  const [caPath, caKey, certPath, keyPath, request, extensions] = ['ca.pem', 'ca.key', 'registry.pem', 'registry.key', 'registry.csr', 'san.ext'].map((name) => join(dir, name)) as [string, string, string, string, string, string];
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caPath, '-days', '1', '-subj', '/CN=model-runner-test-ca']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', request, '-subj', '/CN=model-runner-test-registry']);
  await writeFile(extensions, 'subjectAltName=IP:127.0.0.1,IP:172.17.0.1,DNS:localhost\n');
  await run('openssl', ['x509', '-req', '-in', request, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial', '-out', certPath, '-days', '1', '-extfile', extensions]);
  return { caPath, certPath, keyPath };
}

async function waitReady(url: string, child: ChildProcess, logs: string[], ca?: Buffer): Promise<void> {
  const deadline = Date.now() + 10_000;
  const failure = (why: string) => new Error(`docker-registry ${why}:\n${logs.slice(-30).join('\n')}`);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw failure(`exited (${child.exitCode ?? child.signalCode}) before answering`);
    const status = await probe(`${url}/v2/`, ca);
    if (status === 200 || status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw failure('did not answer GET /v2/ within 10 s');
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  createInterface({ input: stream }).on('line', (line) => into.push(line));
}

/** Starts Debian's docker-registry (CNCF distribution 2.8) on a free loopback port with its own storage. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const auth = options.auth ?? 'none';
  const dir = await mkdtemp(join(tmpdir(), 'model-runner-registry-'));
  liveDirs.add(dir);
  const storageDir = join(dir, 'storage');
  const port = await freePort(options.listen);
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const certificates = options.tls ? await makeCertificates(dir) : undefined;
  const ca = certificates ? await readFile(certificates.caPath) : undefined;
  const credentials = auth === 'none' ? undefined : { username: 'model-runner', password: randomBytes(12).toString('hex') };
  let token: TokenEndpoint | undefined;
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: false } },
    storage: { filesystem: { rootdirectory: storageDir }, delete: { enabled: true } },
    // A fixed secret keeps upload session state valid across restart().
    http: {
      addr: `${options.listen ?? '127.0.0.1'}:${port}`,
      secret: randomBytes(16).toString('hex'),
      headers: { 'X-Content-Type-Options': ['nosniff'] },
      ...(certificates ? { tls: { certificate: certificates.certPath, key: certificates.keyPath } } : {}),
    },
  };
  if (auth === 'htpasswd') {
    const { stdout } = await run('htpasswd', ['-Bbn', credentials!.username, credentials!.password]);
    await writeFile(join(dir, 'htpasswd'), stdout);
    config.auth = { htpasswd: { realm: 'model-runner-test', path: join(dir, 'htpasswd') } };
  } else if (auth === 'token') {
    const endpoint = await startTokenEndpoint(dir, credentials!, options.anonymousPull ?? true);
    token = endpoint;
    config.auth = { token: { realm: endpoint.realm, service: tokenService, issuer: tokenIssuer, rootcertbundle: endpoint.certPath } };
  }
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, stringify(config));

  const logs: string[] = [];
  const accessLog: string[] = [];
  let child: ChildProcess | undefined;
  let exited = Promise.resolve();
  const launch = async () => {
    // Only PATH: REGISTRY_* variables from the environment would override the config.
    const started = spawn('docker-registry', ['serve', configPath], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    liveChildren.add(started);
    exited = new Promise<void>((resolve) => started.once('close', () => resolve()));
    void exited.then(() => liveChildren.delete(started));
    started.once('error', (error) => logs.push(`spawn failed: ${error.message}`));
    collectLines(started.stdout!, accessLog);
    collectLines(started.stderr!, logs);
    await waitReady(url, started, logs, ca).catch(async (error: unknown) => {
      started.kill('SIGKILL');
      await exited;
      throw error;
    });
  };
  const signal = async (name: NodeJS.Signals) => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  const stop = async () => {
    await signal('SIGTERM');
    if (token) await new Promise((resolve) => token!.server.close(resolve));
    await rm(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };

  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    caPath: certificates?.caPath,
    storageDir,
    credentials,
    tokenRealm: token?.realm,
    tokenRequests: token?.requests,
    logs,
    accessLog,
    stop,
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      await launch();
    },
    [Symbol.asyncDispose]: stop,
  };
}

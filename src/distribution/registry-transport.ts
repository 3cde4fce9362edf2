import { RunnerError } from '../shared/errors.js';
import { parseAuthChallenges, type AuthChallenge } from './auth-challenge.js';
import type { RegistryAuth } from './registry-auth.js';
import type { RegistryCredentials } from './docker-credentials.js';
import type { RegistryEndpoint } from './registry-endpoint.js';
import { transportError } from './registry-errors.js';
import { StallGuard } from './stall-guard.js';

const MAX_REDIRECTS = 10;

export interface TransportRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Only bodies that can be sent twice are retried after an authentication challenge. */
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  signal?: AbortSignal | undefined;
}

/** An answer whose body is read through the stall guard; the guard stops when the body ends. */
export interface TransportResponse {
  response: Response;
  body(): AsyncGenerator<Uint8Array>;
  /** Drops the body without reading it. */
  discard(): Promise<void>;
}

export interface TransportOptions {
  auth: RegistryAuth;
  /** The request's `bearer-token`: sent as is, instead of answering challenges. */
  bearerToken?: string | undefined;
  stallTimeoutMs: number;
}

/**
 * HTTP to one repository on one registry endpoint: authentication on challenge, redirects followed
 * by hand so `Authorization` never leaves the registry's origin (blob CDNs get none) while `Range`
 * goes along, and a stall timeout on every exchange.
 */
export class RegistryTransport {
  readonly #origin: string;
  #authorization: string | undefined;
  /** The registry's last challenge: answered again before each request, so an expired token is renewed before a body that cannot be re-sent. */
  #challenge: AuthChallenge | undefined;
  #credentials: Promise<RegistryCredentials | undefined> | undefined;

  constructor(
    readonly endpoint: RegistryEndpoint,
    readonly scopes: readonly string[],
    readonly options: TransportOptions,
  ) {
    this.#origin = new URL(endpoint.baseUrl).origin;
    if (options.bearerToken) this.#authorization = `Bearer ${options.bearerToken}`;
  }

  url(path: string): URL {
    return new URL(path, this.endpoint.baseUrl);
  }

  async request(target: string | URL, init: TransportRequest = {}, what = 'registry request'): Promise<TransportResponse> {
    const url = typeof target === 'string' ? this.url(target) : target;
    if (this.#challenge) await this.#answer(this.#challenge, url, init.signal);
    let answer = await this.#sendIdempotent(url, init, what);
    const replayable = !(init.body instanceof ReadableStream);
    // Only the registry's own 401 is a challenge; a redirect target's must not pick where our credentials go.
    const fromRegistry = new URL(answer.response.url || url).origin === this.#origin;
    if (answer.response.status === 401 && replayable && !this.options.bearerToken && fromRegistry) {
      const challenge = parseAuthChallenges(answer.response.headers.get('www-authenticate') ?? '')[0];
      await answer.discard();
      if (!challenge) throw new RunnerError('unauthorized', `Unauthorized: registry ${this.endpoint.registry} refused ${what} without a challenge`);
      const rejected = this.#authorization !== undefined;
      this.#challenge = challenge;
      await this.#answer(challenge, url, init.signal, rejected);
      answer = await this.#send(url, init, what);
    }
    return answer;
  }

  async #answer(challenge: AuthChallenge, url: URL, signal: AbortSignal | undefined, fresh = false): Promise<void> {
    // Once per operation: a credential helper is a process to start.
    this.#credentials ??= this.options.auth.credentials(this.endpoint.registry);
    this.#authorization = await this.options.auth.authorize(challenge, { url, name: this.endpoint.registry }, this.scopes, await this.#credentials, signal, fresh);
  }

  /**
   * A pooled keep-alive connection may have been closed by a restarted registry or proxy; a read
   * that fails before any answer is safe to send once more.
   */
  async #sendIdempotent(url: URL, init: TransportRequest, what: string): Promise<TransportResponse> {
    const method = init.method ?? 'GET';
    try {
      return await this.#send(url, init, what);
    } catch (error) {
      if ((method !== 'GET' && method !== 'HEAD') || init.signal?.aborted || !isConnectionReset(error)) throw error;
      return this.#send(url, init, what);
    }
  }

  async #send(start: URL, init: TransportRequest, what: string): Promise<TransportResponse> {
    const guard = new StallGuard(this.options.stallTimeoutMs, `${what} from ${this.endpoint.registry}`, init.signal);
    let url = start;
    let method = init.method ?? 'GET';
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const headers: Record<string, string> = { ...init.headers };
        if (this.#authorization && url.origin === this.#origin) headers.authorization = this.#authorization;
        const body = method === 'GET' || method === 'HEAD' ? undefined : init.body;
        const response = await fetch(url, {
          method,
          headers,
          redirect: 'manual',
          signal: guard.signal,
          ...(body === undefined ? {} : { body, duplex: 'half' }),
        } as RequestInit);
        const location = response.headers.get('location');
        if (response.status < 300 || response.status > 399 || response.status === 304 || !location) return wrap(response, guard);
        await response.body?.cancel();
        url = new URL(location, url);
        if (response.status === 303) method = 'GET';
        guard.touch();
      }
    } catch (error) {
      guard[Symbol.dispose]();
      throw transportError(guard.reason(error), url);
    }
    guard[Symbol.dispose]();
    throw new RunnerError('internal', `${what}: more than ${MAX_REDIRECTS} redirects from ${this.endpoint.registry}`);
  }
}

function isConnectionReset(error: unknown): boolean {
  const cause = (error as { cause?: { cause?: { code?: string } } }).cause?.cause;
  return cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET';
}

function wrap(response: Response, guard: StallGuard): TransportResponse {
  guard.touch();
  return {
    response,
    body: () => guard.guard(response.body ?? emptyBody()),
    discard: async () => {
      guard[Symbol.dispose]();
      await response.body?.cancel().catch(() => undefined);
    },
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

import { createHash } from 'node:crypto';
import { RunnerError } from '../shared/errors.js';
import type { AuthChallenge } from './auth-challenge.js';
import type { CredentialLookup, RegistryCredentials } from './docker-credentials.js';
import { registryError, transportError } from './registry-errors.js';

const DEFAULT_TOKEN_LIFETIME_S = 60;
const TOKEN_TIMEOUT_MS = 30_000;
/** Renew a little early, so a token never expires between the check and the request. */
const EXPIRY_MARGIN_MS = 5_000;
const INTERNAL_NAMES = new Set(['localhost', 'host.docker.internal', 'model-runner.docker.internal', 'gateway.docker.internal']);

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface TokenResponse {
  token?: string;
  access_token?: string;
  expires_in?: number;
}

function isInternalHost(hostname: string): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (INTERNAL_NAMES.has(name)) return true;
  if (name.includes(':')) return name === '::1' || /^(fe80|fc|fd)/.test(name) || name.startsWith('::ffff:');
  const octets = name.split('.').map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet))) return false;
  const [a = 0, b = 0] = octets;
  return a === 127 || a === 10 || a === 0 || (a === 169 && b === 254) || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}

/**
 * A registry on the internet must not send our credentials, or us, to an address inside this
 * machine's networks (DMR's SSRF guard). A registry that is itself local may use a local realm.
 */
function checkRealm(realm: URL, registry: URL): void {
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw new RunnerError('unauthorized', `registry ${registry.host} named an unsupported token realm ${realm.protocol}`);
  }
  if (isInternalHost(realm.hostname) && !isInternalHost(registry.hostname)) {
    throw new RunnerError('unauthorized', `registry ${registry.host} sent its token realm to internal address ${realm.host}; refused`);
  }
  if (realm.protocol === 'http:' && registry.protocol === 'https:') {
    throw new RunnerError('unauthorized', `registry ${registry.host} named a plain-HTTP token realm ${realm.host}; refused, credentials would travel in clear`);
  }
}

function basicAuthorization(credentials: RegistryCredentials & { kind: 'basic' }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * Registry authentication: answers a 401's challenge with an Authorization header, through the
 * Docker token protocol (anonymous, Basic to the realm, or an OAuth2 refresh token) or Basic auth.
 * Tokens are cached per realm, service, scopes and identity until they expire.
 */
export class RegistryAuth {
  readonly #tokens = new Map<string, CachedToken>();

  constructor(readonly credentials: CredentialLookup) {}

  async authorize(
    challenge: AuthChallenge,
    registry: { url: URL; name: string },
    scopes: readonly string[],
    credentials: RegistryCredentials | undefined,
    signal?: AbortSignal,
    /** After a 401 to a token we thought valid: ask for a new one. */
    fresh = false,
  ): Promise<string> {
    if (challenge.scheme === 'basic') {
      if (credentials?.kind !== 'basic') throw new RunnerError('unauthorized', `Unauthorized: registry ${registry.name} wants a user name and password; run docker login ${registry.name}`);
      return basicAuthorization(credentials);
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) {
      throw new RunnerError('unauthorized', `Unauthorized: registry ${registry.name} asks for unsupported authentication "${challenge.scheme}"`);
    }
    const realm = new URL(challenge.params.realm);
    checkRealm(realm, registry.url);
    const allScopes = [...new Set([...(challenge.params.scope ?? '').split(' ').filter(Boolean), ...scopes])].sort();
    const identity = credentials === undefined ? 'anonymous' : credentials.kind === 'basic' ? `basic ${credentials.username}` : `token ${createHash('sha256').update(credentials.identityToken).digest('hex')}`;
    const key = [realm.href, challenge.params.service ?? '', allScopes.join(' '), identity].join('\n');
    const cached = this.#tokens.get(key);
    if (!fresh && cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    const token = await this.#fetchToken(realm, challenge.params.service, allScopes, credentials, signal);
    this.#tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  async #fetchToken(
    realm: URL,
    service: string | undefined,
    scopes: readonly string[],
    credentials: RegistryCredentials | undefined,
    signal: AbortSignal | undefined,
  ): Promise<CachedToken> {
    const started = Date.now();
    // A token endpoint that hangs must not hold a pull slot forever.
    const bounded = AbortSignal.any([AbortSignal.timeout(TOKEN_TIMEOUT_MS), ...(signal ? [signal] : [])]);
    let response: Response;
    try {
      response = credentials?.kind === 'identity-token' ? await refreshTokenRequest(realm, service, scopes, credentials.identityToken, bounded) : await tokenRequest(realm, service, scopes, credentials, bounded);
    } catch (error) {
      throw transportError(error, realm);
    }
    if (!response.ok) throw await registryError(response, `Unauthorized: token request to ${realm.host} failed`, 'unauthorized');
    const body = (await response.json().catch(() => ({}))) as TokenResponse;
    const token = body.token || body.access_token;
    if (!token) throw new RunnerError('unauthorized', `Unauthorized: token endpoint ${realm.host} answered without a token`);
    const lifetimeMs = (body.expires_in && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S) * 1000;
    return { token, expiresAt: started + lifetimeMs - EXPIRY_MARGIN_MS };
  }
}

function tokenRequest(realm: URL, service: string | undefined, scopes: readonly string[], credentials: RegistryCredentials | undefined, signal?: AbortSignal): Promise<Response> {
  const url = new URL(realm);
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = credentials?.kind === 'basic' ? { authorization: basicAuthorization(credentials) } : {};
  // No redirects: the realm was checked, wherever it might redirect to was not.
  return fetch(url, { headers, signal: signal ?? null, redirect: 'error' });
}

/** Docker's OAuth2 flow for identity tokens (`docker login` with a token stores one). */
function refreshTokenRequest(realm: URL, service: string | undefined, scopes: readonly string[], refreshToken: string, signal?: AbortSignal): Promise<Response> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'model-runner', service: service ?? '', scope: scopes.join(' ') });
  return fetch(realm, { method: 'POST', body: form, signal: signal ?? null, redirect: 'error' });
}

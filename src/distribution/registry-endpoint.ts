import type { ModelName } from '../store/model-reference.js';

/** How this process reaches registries (DMR's DEFAULT_REGISTRY, INSECURE_REGISTRY and mirrors). */
export interface RegistryConfig {
  defaultRegistry: string;
  insecure: boolean;
  mirrors: string[];
  dockerConfigDir: string;
}

/** One place a repository can be fetched from. */
export interface RegistryEndpoint {
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000`. */
  readonly baseUrl: string;
  /** The registry as Docker's config names it when looking up credentials: `docker.io`, `host:port`. */
  readonly registry: string;
  readonly mirror: boolean;
}

/** A repository and the endpoints to try for it, mirrors first. */
export interface RepositoryLocation {
  readonly endpoints: readonly RegistryEndpoint[];
  readonly repository: string;
  /** A tag, or the `sha256:` digest the reference pins. */
  readonly reference: string;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_API = 'registry-1.docker.io';

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

/** Docker's rule, widened as the Docker daemon widens it: local names and loopback addresses speak HTTP. */
function isLocal(host: string): boolean {
  const name = hostname(host);
  return name === 'localhost' || name.endsWith('.local') || name.startsWith('127.') || name === '::1';
}

function endpointFor(host: string, config: RegistryConfig, mirror = false): RegistryEndpoint {
  if (/^https?:\/\//.test(host)) {
    const url = new URL(host);
    return { baseUrl: url.origin, registry: url.host, mirror };
  }
  const scheme = config.insecure || isLocal(host) ? 'http' : 'https';
  if (DOCKER_HUB_NAMES.has(host)) return { baseUrl: `https://${DOCKER_HUB_API}`, registry: DOCKER_HUB, mirror };
  return { baseUrl: `${scheme}://${host}`, registry: host, mirror };
}

/**
 * Where a model name lives. Names stored as `docker.io/…` mean "the default registry", which
 * DEFAULT_REGISTRY may point elsewhere; only those go through the mirrors.
 */
export function locateRepository(name: ModelName, config: RegistryConfig): RepositoryLocation {
  const reference = name.digest ?? name.tag;
  if (name.registry !== DOCKER_HUB) return { endpoints: [endpointFor(name.registry, config)], repository: name.repository, reference };
  const mirrors = config.mirrors.map((mirror) => endpointFor(mirror, config, true));
  return { endpoints: [...mirrors, endpointFor(config.defaultRegistry, config)], repository: name.repository, reference };
}

import { RunnerError, isRunnerError } from '../shared/errors.js';
import type { ModelName } from '../store/model-reference.js';
import { MediaType } from '../store/model-artifact.js';
import type { CredentialLookup } from './docker-credentials.js';
import { RegistryAuth } from './registry-auth.js';
import { locateRepository, type RegistryConfig, type RegistryEndpoint } from './registry-endpoint.js';
import { RegistryRepository, type FetchedManifest } from './registry-repository.js';
import { RegistryTransport } from './registry-transport.js';

export interface RegistryClientOptions {
  config: RegistryConfig;
  credentials: CredentialLookup;
  /** A transfer with no data for this long fails (default 30 s). */
  stallTimeoutMs?: number;
}

export interface RepositoryAccess {
  push?: boolean;
  /** The request's `bearer-token` field. */
  bearerToken?: string | undefined;
  /** Other repositories of the same registry to read from (cross-repository mounts). */
  mountFrom?: readonly string[];
}

export interface LocatedManifest {
  repository: RegistryRepository;
  manifest: FetchedManifest;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** Entry point to registries: one token cache for the process, repositories opened per operation. */
export class RegistryClient {
  readonly #auth: RegistryAuth;
  readonly #stallTimeoutMs: number;

  constructor(readonly options: RegistryClientOptions) {
    this.#auth = new RegistryAuth(options.credentials);
    this.#stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  }

  repository(endpoint: RegistryEndpoint, name: string, access: RepositoryAccess = {}): RegistryRepository {
    const scopes = [`repository:${name}:${access.push ? 'pull,push' : 'pull'}`, ...(access.mountFrom ?? []).map((from) => `repository:${from}:pull`)];
    const transport = new RegistryTransport(endpoint, scopes, { auth: this.#auth, bearerToken: access.bearerToken, stallTimeoutMs: this.#stallTimeoutMs });
    return new RegistryRepository(transport, name);
  }

  /** The endpoint a push goes to: the registry itself, never a mirror. */
  pushRepository(name: ModelName, access: Omit<RepositoryAccess, 'push'>): { repository: RegistryRepository; reference: string } {
    const location = locateRepository(name, this.options.config);
    const endpoint = location.endpoints.find((candidate) => !candidate.mirror);
    if (!endpoint) throw new RunnerError('internal', `no registry for ${name.repository}`);
    return { repository: this.repository(endpoint, location.repository, { ...access, push: true }), reference: location.reference };
  }

  /**
   * Fetches the manifest a name points to, mirrors first (any failure there falls through to the
   * next endpoint), resolving an image index to the model manifest inside it.
   */
  async manifest(name: ModelName, bearerToken: string | undefined, signal?: AbortSignal): Promise<LocatedManifest> {
    const location = locateRepository(name, this.options.config);
    let lastError: unknown;
    for (const endpoint of location.endpoints) {
      // The caller's token is for the registry it named, never for a mirror.
      const repository = this.repository(endpoint, location.repository, { bearerToken: endpoint.mirror ? undefined : bearerToken });
      try {
        const manifest = await repository.manifest(location.reference, signal);
        return { repository, manifest: INDEX_TYPES.has(manifest.mediaType) ? await this.#fromIndex(repository, manifest, signal) : manifest };
      } catch (error) {
        if (!endpoint.mirror || signal?.aborted) throw modelError(error);
        lastError = error;
      }
    }
    throw modelError(lastError);
  }

  async #fromIndex(repository: RegistryRepository, index: FetchedManifest, signal?: AbortSignal): Promise<FetchedManifest> {
    let parsed: { manifests?: Array<{ mediaType?: string; digest?: string }> };
    try {
      parsed = JSON.parse(Buffer.from(index.bytes).toString('utf8')) as typeof parsed;
    } catch {
      throw new RunnerError('invalid_model', `the image index of ${repository.name} is not valid JSON`);
    }
    const entry = (parsed.manifests ?? []).find((candidate) => candidate.mediaType === MediaType.ociManifest && typeof candidate.digest === 'string');
    if (!entry?.digest) throw new RunnerError('invalid_model', `the image index of ${repository.name} lists no OCI manifest`);
    return repository.manifest(entry.digest, signal);
  }
}

/** DMR's wording for a manifest the registry does not have: `Model not found`. */
function modelError(error: unknown): unknown {
  if (isRunnerError(error, 'not_found')) return new RunnerError('not_found', `Model not found: ${error.message}`, { cause: error });
  return error;
}

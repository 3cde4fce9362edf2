import { resolvedDockerConfig, type CredentialLookup } from '../../src/distribution/docker-credentials.js';
import { parseModelName } from '../../src/store/model-reference.js';

/**
 * The config.json for the runner container: the user's credentials for the models' registries
 * only (other registries' secrets have no business in there), or undefined when there are none.
 * `defaultRegistry` is where the runner sends references without one (its DEFAULT_REGISTRY).
 */
export function registryCredentialsConfig(models: readonly string[], defaultRegistry: string, lookup: CredentialLookup): Promise<Buffer | undefined> {
  const hosts = models.map((model) => {
    const { registry } = parseModelName(model);
    return registry === 'docker.io' ? defaultRegistry : registry;
  });
  return resolvedDockerConfig(new Set(hosts), lookup);
}

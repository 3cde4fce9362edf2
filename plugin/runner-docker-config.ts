import { configuredRegistries, dockerConfigCredentials, resolvedDockerConfig } from '../src/distribution/docker-credentials.js';

/**
 * What install-runner puts in the runner container as its Docker config: the credentials of every
 * registry the user's config knows, looked up here, where the user's credential helpers run.
 */
export async function runnerDockerConfig(configDir: string): Promise<Buffer | undefined> {
  return resolvedDockerConfig(await configuredRegistries(configDir), dockerConfigCredentials({ configDir }));
}

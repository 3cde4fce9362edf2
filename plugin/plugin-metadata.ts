import { packageInfo } from '../src/shared/package-root.js';

/**
 * The DMR CLI release whose commands, flags and output this plugin follows. Compose reads the
 * plugin's version (from v1.0.6 on it passes runtime flags), so it leads; our own version rides
 * along as semver build metadata, which version comparisons ignore.
 */
const DMR_CLI_VERSION = 'v1.0.6';

export function pluginVersion(): string {
  return `${DMR_CLI_VERSION}+model-runner.${packageInfo().version.slice(1)}`;
}

/** What `docker-model docker-cli-plugin-metadata` prints: Go's json.MarshalIndent with five spaces, as the docker CLI's plugins do. */
export function pluginMetadata(): string {
  const metadata = { SchemaVersion: '0.1.0', Vendor: 'model-runner', Version: pluginVersion(), ShortDescription: 'Docker Model Runner' };
  return `${JSON.stringify(metadata, null, 5)}\n`;
}

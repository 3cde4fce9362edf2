import Docker from 'dockerode';
import { RunnerError } from '../shared/errors.js';

/** Docker Engine 20.10 is API 1.41: the first with `host-gateway`, and what Debian 12 ships. */
const MIN_API = '1.41';
/** The newest API this code was checked against; a newer daemon is spoken to at this version. */
const MAX_API = '1.51';

function compareApi(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** dockerode's options for a `DOCKER_HOST` value: a Unix socket or plain TCP. */
function modemOptions(dockerHost: string): Docker.DockerOptions {
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  if (url.protocol === 'tcp:' || url.protocol === 'http:') return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
  throw new RunnerError('invalid_request', `unsupported DOCKER_HOST ${dockerHost}: use unix:// or tcp://`);
}

/** A failed first call to the daemon, explained: not running, no permission, or something else. */
function daemonUnreachable(error: unknown, dockerHost: string): RunnerError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES') {
    return new RunnerError('unauthorized', `permission denied on the Docker daemon socket ${dockerHost}: run as a member of the docker group, or as root`);
  }
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return new RunnerError('unavailable', `cannot reach the Docker daemon at ${dockerHost}: is dockerd running?`);
  }
  return new RunnerError('unavailable', `cannot reach the Docker daemon at ${dockerHost}: ${(error as Error).message}`);
}

/**
 * A dockerode client speaking the newest API both sides know, as the docker CLI negotiates it:
 * an unversioned `/version` first, then every call at min(daemon, MAX_API).
 */
export async function connectDocker(dockerHost: string): Promise<Docker> {
  const options = modemOptions(dockerHost);
  const version = await new Docker(options).version().catch((error: unknown) => {
    throw daemonUnreachable(error, dockerHost);
  });
  if (compareApi(version.ApiVersion, MIN_API) < 0) {
    throw new RunnerError('unavailable', `Docker Engine ${version.Version} (API ${version.ApiVersion}) is too old: 20.10 (API ${MIN_API}) or newer is needed`);
  }
  const api = compareApi(version.ApiVersion, MAX_API) > 0 ? MAX_API : version.ApiVersion;
  return new Docker({ ...options, version: `v${api}` });
}

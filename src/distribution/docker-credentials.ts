import { execFile, type ExecFileException } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RunnerError } from '../shared/errors.js';

/**
 * Basic credentials become an `Authorization: Basic` header; an identity token is an OAuth2
 * refresh token to exchange at the registry's token service, as `docker login` stores it.
 */
export type RegistryCredentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'identity-token'; identityToken: string };

/** `registry` is a reference's domain: `docker.io` for Docker Hub, otherwise `host[:port]`. */
export type CredentialLookup = (registry: string) => Promise<RegistryCredentials | undefined>;

export interface DockerConfigCredentialsOptions {
  /** The Docker CLI config directory, holding `config.json`. */
  configDir: string;
  /** PATH searched for `docker-credential-<name>` helpers; the runner's own when absent. */
  path?: string;
  timeoutMs?: number;
}

const HUB_SERVER_URL = 'https://index.docker.io/v1/';
const HUB_HOSTS = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io']);
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_DETAIL_CHARS = 500;
const TOKEN_USERNAME = '<token>';

const authEntrySchema = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
});
type AuthEntry = z.infer<typeof authEntrySchema>;

const configSchema = z.object({
  auths: z.record(z.string(), authEntrySchema).optional(),
  credsStore: z.string().optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
});
type DockerConfig = z.infer<typeof configSchema>;

const helperOutputSchema = z.object({ Username: z.string().optional(), Secret: z.string().optional() });

/** The server URL the docker CLI files a registry under, and the hosts whose keys also count. */
interface ServerKey {
  serverUrl: string;
  hosts: ReadonlySet<string>;
}

/** Keys are bare hosts or URLs such as `https://host:5000/v1/`; only the host matters. */
function keyHost(key: string): string {
  return (key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] ?? '').toLowerCase();
}

function serverKeyFor(registry: string): ServerKey {
  const host = keyHost(registry);
  if (HUB_HOSTS.has(host)) return { serverUrl: HUB_SERVER_URL, hosts: HUB_HOSTS };
  return { serverUrl: host, hosts: new Set([host]) };
}

/** An exact key wins over one that only names the same host, as in the docker CLI. */
function findEntry<T>(record: Record<string, T> | undefined, key: ServerKey): T | undefined {
  const entries = Object.entries(record ?? {});
  const match =
    entries.find(([name]) => name === key.serverUrl) ?? entries.find(([name]) => key.hosts.has(keyHost(name)));
  return match?.[1];
}

async function readConfig(file: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RunnerError('internal', `cannot read Docker config ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message can quote the file, and the file holds secrets.
    throw new RunnerError('internal', `Docker config ${file} is not valid JSON`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RunnerError('internal', `Docker config ${file} is invalid: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

function entryCredentials(entry: AuthEntry, file: string, serverUrl: string): RegistryCredentials | undefined {
  if (entry.identitytoken) return { kind: 'identity-token', identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new RunnerError('internal', `Docker config ${file}: "auth" for ${serverUrl} is not base64 of user:password`);
    }
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { kind: 'basic', username: entry.username, password: entry.password };
  return undefined;
}

interface HelperRun {
  failure: string | undefined;
  stdout: string;
  stderr: string;
}

function describeFailure(error: ExecFileException): string {
  if (error.code === 'ENOENT') return 'is not on PATH';
  if (typeof error.code === 'number') return `exited with status ${error.code}`;
  if (error.signal) return `was killed by ${error.signal}`;
  return `failed: ${error.message}`;
}

function runHelper(program: string, serverUrl: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<HelperRun> {
  return new Promise((resolve) => {
    const child = execFile(program, ['get'], { env, windowsHide: true }, (error, stdout, stderr) => {
      clearTimeout(timer);
      resolve({ failure: error ? describeFailure(error) : undefined, stdout, stderr });
    });
    // Settled at the deadline rather than on exit: the helper's own children can keep its stdout open.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ failure: `timed out after ${timeoutMs} ms`, stdout: '', stderr: '' });
    }, timeoutMs);
    // A helper may exit without reading stdin; its exit status reports that better than EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(serverUrl);
  });
}

/** Helpers built on docker-credential-helpers print their errors on stdout; JSON there may hold a secret. */
function failureDetail(run: HelperRun): string {
  const stdout = run.stdout.trim();
  const detail = run.stderr.trim() || (stdout.startsWith('{') ? '' : stdout);
  return detail ? `: ${detail.slice(0, MAX_DETAIL_CHARS)}` : '';
}

function helperError(program: string, serverUrl: string, what: string, run: HelperRun): RunnerError {
  const message = `credential helper ${program} ${what} getting credentials for ${serverUrl}${failureDetail(run)}`;
  return new RunnerError('internal', message);
}

function parseHelperOutput(program: string, serverUrl: string, run: HelperRun): RegistryCredentials | undefined {
  let output: z.infer<typeof helperOutputSchema>;
  try {
    output = helperOutputSchema.parse(JSON.parse(run.stdout));
  } catch {
    throw helperError(program, serverUrl, 'printed invalid JSON', { ...run, stdout: '' });
  }
  if (!output.Secret) return undefined;
  if (output.Username === TOKEN_USERNAME) return { kind: 'identity-token', identityToken: output.Secret };
  return { kind: 'basic', username: output.Username ?? '', password: output.Secret };
}

async function helperCredentials(
  name: string,
  serverUrl: string,
  options: DockerConfigCredentialsOptions,
): Promise<RegistryCredentials | undefined> {
  // Config names helpers, not paths: a slash would run a file relative to the runner's directory.
  if (/[/\\\0]/.test(name)) {
    throw new RunnerError('internal', `Docker config names an invalid credential helper "${name}"`);
  }
  const program = `docker-credential-${name}`;
  const env = { ...process.env, PATH: options.path ?? process.env.PATH };
  const run = await runHelper(program, serverUrl, env, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (run.failure === undefined) return parseHelperOutput(program, serverUrl, run);
  if (/credentials not found/i.test(`${run.stdout}\n${run.stderr}`)) return undefined;
  throw helperError(program, serverUrl, run.failure, run);
}

/** The registries a Docker config has credentials for: its `auths` and `credHelpers` keys. */
export async function configuredRegistries(configDir: string): Promise<string[]> {
  const config = await readConfig(join(configDir, 'config.json'));
  return [...new Set([...Object.keys(config?.auths ?? {}), ...Object.keys(config?.credHelpers ?? {})])];
}

function authEntry(credentials: RegistryCredentials): Record<string, string> {
  return credentials.kind === 'basic'
    ? { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') }
    : { identitytoken: credentials.identityToken };
}

/**
 * A config.json for a runner container holding the credentials for `registries`, looked up here,
 * or undefined when there are none. Not the user's file as it is: its credsStore and credHelpers
 * name programs (desktop, osxkeychain, pass) a container lacks, which would fail every pull.
 */
export async function resolvedDockerConfig(registries: Iterable<string>, lookup: CredentialLookup): Promise<Buffer | undefined> {
  const auths: Record<string, Record<string, string>> = {};
  for (const registry of registries) {
    const credentials = await lookup(registry);
    if (credentials) auths[registry] = authEntry(credentials);
  }
  return Object.keys(auths).length > 0 ? Buffer.from(JSON.stringify({ auths })) : undefined;
}

/**
 * Finds credentials the way the docker CLI does: a `credHelpers` entry for the registry, else the
 * `credsStore`, else `auths`; `auths` also answers when a helper has nothing for the registry.
 * The config is read on every lookup because `docker login` can change it while the runner runs.
 */
export function dockerConfigCredentials(options: DockerConfigCredentialsOptions): CredentialLookup {
  const file = join(options.configDir, 'config.json');
  return async (registry) => {
    const config = await readConfig(file);
    if (!config) return undefined;
    const key = serverKeyFor(registry);
    const helper = findEntry(config.credHelpers, key) || config.credsStore;
    if (helper) {
      const credentials = await helperCredentials(helper, key.serverUrl, options);
      if (credentials) return credentials;
    }
    const entry = findEntry(config.auths, key);
    return entry && entryCredentials(entry, file, key.serverUrl);
  };
}

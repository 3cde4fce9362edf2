import { availableParallelism, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryConfig } from './distribution/registry-endpoint.js';
import type { GpuSetting } from './engine/engine.js';
import { parseKeepAlive } from './scheduler/go-duration.js';

/**
 * The only reader of process.env. Each setting is one row: its variable name (DMR's where DMR has
 * one), its default and a description; the same rows feed `--help` and the README.
 */
export interface SettingRow {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function defaultSocketPath(env: Env): string {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return runtimeDir ? join(runtimeDir, 'docker-model-runner.sock') : join(homedir(), '.docker', 'run', 'docker-model-runner.sock');
}

export const serverSettings = {
  port: { name: 'MODEL_RUNNER_PORT', default: '12434', description: 'TCP port of the runner; 0 picks a free port' },
  bind: {
    name: 'MODEL_RUNNER_BIND',
    default: '127.0.0.1',
    description: 'TCP bind address; the container image sets 0.0.0.0 and lets Docker port bindings decide who reaches it',
  },
  socket: {
    name: 'MODEL_RUNNER_SOCK',
    default: '$XDG_RUNTIME_DIR/docker-model-runner.sock (or ~/.docker/run/…)',
    description: 'Unix socket path; set it empty to disable the socket listener',
  },
  modelsPath: { name: 'MODELS_PATH', default: '~/.docker/models', description: 'Model store root' },
  logLevel: { name: 'LOG_LEVEL', default: 'info', description: 'Log level: debug, info, warn or error' },
  logDir: {
    name: 'MODEL_RUNNER_LOG_DIR',
    default: '$TMPDIR/model-runner-logs',
    description: 'Directory of the log files GET /logs serves (inference.log, inference-llama.cpp-server.log; rotated at 10 MiB, two kept); set it empty for none',
  },
  disableMetrics: { name: 'DISABLE_METRICS', default: 'false', description: 'true: no GET /metrics route' },
  gpu: { name: 'MODEL_RUNNER_GPU', default: 'auto', description: 'Engine backend: auto (a GPU when node-llama-cpp finds one), cuda, vulkan or off' },
  maxModels: { name: 'MODEL_RUNNER_MAX_MODELS', default: 'min(CPUs, 8)', description: 'Engine workers loaded at once' },
  parallel: { name: 'MODEL_RUNNER_PARALLEL', default: '4', description: 'Requests one worker serves at once (batched by llama.cpp)' },
  maxQueue: { name: 'MODEL_RUNNER_MAX_QUEUE', default: '32', description: 'Requests that may wait per worker; beyond it they get 503 at once' },
  keepAlive: { name: 'MODEL_RUNNER_KEEP_ALIVE', default: '5m', description: 'Idle time before a worker unloads: a Go duration, 0 = at once, negative = never' },
  threads: { name: 'MODEL_RUNNER_THREADS', default: '0', description: 'CPU threads per worker; 0 lets the engine choose' },
  apiKey: {
    name: 'MODEL_RUNNER_API_KEY',
    default: 'none',
    description: 'When set, every route but GET / needs "Authorization: Bearer <key>" or "x-api-key: <key>" (printable ASCII, no spaces)',
  },
  origins: {
    name: 'DMR_ORIGINS',
    default: '',
    description: 'Comma-separated browser origins allowed besides http(s)://localhost, 127.0.0.1 and 0.0.0.0 (compared literally, as DMR does); * allows every origin',
  },
} as const satisfies Record<string, SettingRow>;

/** Where models come from; read by the runner (pull, push) and by `package --push` alike. */
export const registrySettings = {
  defaultRegistry: {
    name: 'DEFAULT_REGISTRY',
    default: 'index.docker.io',
    description: 'Registry for references without one (`ai/smollm2`); Docker Hub is reached at registry-1.docker.io',
  },
  insecureRegistry: {
    name: 'INSECURE_REGISTRY',
    default: 'false',
    description: 'true: speak plain HTTP to every registry (localhost, loopback addresses and *.local always use HTTP)',
  },
  mirrors: {
    name: 'MODEL_RUNNER_REGISTRY_MIRRORS',
    default: '(none)',
    description: 'Comma-separated Docker Hub mirrors (host[:port] or URL), tried in order before the default registry',
  },
  dockerConfig: {
    name: 'DOCKER_CONFIG',
    default: '~/.docker',
    description: 'Directory of the Docker CLI config.json whose auths, credsStore and credHelpers give registry credentials',
  },
} as const satisfies Record<string, SettingRow>;

export const clientSettings = {
  host: {
    name: 'MODEL_RUNNER_HOST',
    default: '(none)',
    description: 'A runner `docker model` uses as is; unset, it finds the runner container, and installs one when there is none',
  },
  noAutoInstall: {
    name: 'MODEL_RUNNER_NO_AUTO_INSTALL',
    default: '(unset)',
    description: 'Set to anything: `docker model` never installs the runner container by itself',
  },
  image: {
    name: 'MODEL_RUNNER_IMAGE',
    default: 'model-runner:cpu',
    description: 'Image of the runner container that install-runner creates (`npm run image` builds it)',
  },
  dockerHost: {
    name: 'DOCKER_HOST',
    default: 'unix:///var/run/docker.sock',
    description: 'Docker daemon the runner container is installed on (`unix://` or `tcp://`), as for the docker CLI',
  },
  compose: {
    name: 'MODEL_RUNNER_COMPOSE',
    default: '(docker compose, else docker-compose)',
    description: 'The Compose `docker model compose up|down` runs, e.g. `docker-compose` where both are installed',
  },
  joinNetworks: {
    name: 'MODEL_RUNNER_JOIN_NETWORKS',
    default: 'true',
    description: 'false: install no alias relay, so Compose networks reach the runner only through extra_hosts and the bridge gateway',
  },
} as const satisfies Record<string, SettingRow>;

export interface ServerConfig {
  registry: RegistryConfig;
  port: number;
  bind: string;
  socketPath: string | undefined;
  modelsPath: string;
  logLevel: LogLevel;
  /** Undefined: no log files, and `/logs` answers 501. */
  logDir: string | undefined;
  serveMetrics: boolean;
  gpu: GpuSetting;
  maxModels: number;
  parallel: number;
  maxQueue: number;
  keepAliveMs: number;
  threads: number;
  /** Origins a browser page may call from: DMR_ORIGINS, then DMR's loopback defaults. */
  allowedOrigins: string[];
  apiKey: string | undefined;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** DMR trims values of spaces and surrounding quotes; so do we. */
function read(env: Env, row: SettingRow): string | undefined {
  const raw = env[row.name];
  if (raw === undefined) return undefined;
  return raw.trim().replace(/^(["'])(.*)\1$/, '$2');
}

function parsePort(value: string | undefined, row: SettingRow): number {
  const port = Number(value ?? row.default);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${row.name} must be a port number between 0 and 65535, got "${value}"`);
  }
  return port;
}

function parseCount(value: string | undefined, row: SettingRow, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  const count = Number(value);
  if (!Number.isInteger(count) || count < min) throw new Error(`${row.name} must be an integer of at least ${min}, got "${value}"`);
  return count;
}

function parseGpu(value: string | undefined): GpuSetting {
  const gpu = (value || 'auto').toLowerCase();
  if (gpu === 'auto' || gpu === 'cuda' || gpu === 'vulkan' || gpu === 'off') return gpu;
  throw new Error(`MODEL_RUNNER_GPU must be auto, cuda, vulkan or off; got "${value}"`);
}

function parseLogLevel(value: string | undefined): LogLevel {
  const level = (value || 'info').toLowerCase();
  if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error') return level;
  throw new Error(`LOG_LEVEL must be one of debug, info, warn, error; got "${value}"`);
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

function parseBoolean(value: string | undefined, row: SettingRow): boolean {
  const text = (value || row.default).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new Error(`${row.name} must be true or false, got "${value}"`);
}

function parseList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function loadRegistryConfig(env: Env = process.env): RegistryConfig {
  return {
    defaultRegistry: (read(env, registrySettings.defaultRegistry) || registrySettings.defaultRegistry.default).toLowerCase(),
    insecure: parseBoolean(read(env, registrySettings.insecureRegistry), registrySettings.insecureRegistry),
    mirrors: parseList(read(env, registrySettings.mirrors)),
    dockerConfigDir: expandHome(read(env, registrySettings.dockerConfig) || registrySettings.dockerConfig.default),
  };
}

/** DMR's defaults, as literal strings: `http://localhost:*` matches only an Origin spelled so. */
const LOOPBACK_ORIGINS = ['localhost', '127.0.0.1', '0.0.0.0'].flatMap((host) => [`http://${host}`, `https://${host}`, `http://${host}:*`, `https://${host}:*`]);

/** A key a client can send in a header: printable ASCII without spaces; unset or empty means none. */
function parseApiKey(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error(`${serverSettings.apiKey.name} must be printable ASCII without spaces`);
  return value;
}

export function loadServerConfig(env: Env = process.env): ServerConfig {
  const socket = read(env, serverSettings.socket);
  const logDir = read(env, serverSettings.logDir);
  return {
    registry: loadRegistryConfig(env),
    port: parsePort(read(env, serverSettings.port) || undefined, serverSettings.port),
    bind: read(env, serverSettings.bind) || serverSettings.bind.default,
    socketPath: socket === undefined ? defaultSocketPath(env) : socket === '' ? undefined : expandHome(socket),
    modelsPath: expandHome(read(env, serverSettings.modelsPath) || serverSettings.modelsPath.default),
    logLevel: parseLogLevel(read(env, serverSettings.logLevel)),
    logDir: logDir === undefined ? join(tmpdir(), 'model-runner-logs') : logDir === '' ? undefined : expandHome(logDir),
    serveMetrics: !parseBoolean(read(env, serverSettings.disableMetrics), serverSettings.disableMetrics),
    gpu: parseGpu(read(env, serverSettings.gpu)),
    maxModels: parseCount(read(env, serverSettings.maxModels), serverSettings.maxModels, Math.min(availableParallelism(), 8), 1),
    parallel: parseCount(read(env, serverSettings.parallel), serverSettings.parallel, 4, 1),
    maxQueue: parseCount(read(env, serverSettings.maxQueue), serverSettings.maxQueue, 32, 0),
    keepAliveMs: parseKeepAlive(read(env, serverSettings.keepAlive) || serverSettings.keepAlive.default),
    threads: parseCount(read(env, serverSettings.threads), serverSettings.threads, 0, 0),
    allowedOrigins: [...parseList(read(env, serverSettings.origins)), ...LOOPBACK_ORIGINS],
    apiKey: parseApiKey(read(env, serverSettings.apiKey)),
  };
}

export interface ClientConfig {
  /** MODEL_RUNNER_HOST: a runner the user runs themselves; no container is looked for. */
  host: string | undefined;
  autoInstall: boolean;
  /** MODEL_RUNNER_COMPOSE: the Compose command the transformer runs; undefined picks one. */
  compose: string | undefined;
  image: string;
  dockerHost: string;
  /** The daemon's socket on its own host, handed to the alias relay; undefined when opted out. */
  aliasSocket: string | undefined;
  registry: RegistryConfig;
  /** What DMR's CLI hands an installed runner container from the host: proxies and registry mirrors. */
  runnerEnv: Record<string, string>;
}

/** DMR's list, and INSECURE_REGISTRY, which a user sets for an in-house registry the container must reach too. */
const PASSED_TO_RUNNER = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', registrySettings.mirrors.name, registrySettings.insecureRegistry.name];

/** A remote daemon's socket path is not ours to know; Docker's default is the usual answer. */
function daemonSocket(dockerHost: string): string {
  return dockerHost.startsWith('unix://') ? new URL(dockerHost).pathname : '/var/run/docker.sock';
}

export function loadClientConfig(env: Env = process.env): ClientConfig {
  const dockerHost = read(env, clientSettings.dockerHost) || clientSettings.dockerHost.default;
  return {
    host: read(env, clientSettings.host) || undefined,
    autoInstall: !read(env, clientSettings.noAutoInstall),
    compose: read(env, clientSettings.compose) || undefined,
    image: read(env, clientSettings.image) || clientSettings.image.default,
    dockerHost,
    aliasSocket: parseBoolean(read(env, clientSettings.joinNetworks), clientSettings.joinNetworks) ? daemonSocket(dockerHost) : undefined,
    registry: loadRegistryConfig(env),
    runnerEnv: Object.fromEntries(PASSED_TO_RUNNER.flatMap((name) => (env[name] ? [[name, env[name]]] : []))),
  };
}

export function settingsHelp(rows: readonly SettingRow[]): string {
  const width = Math.max(...rows.map((row) => row.name.length));
  return rows.map((row) => `  ${row.name.padEnd(width)}  ${row.description} (default: ${row.default})`).join('\n');
}

#!/usr/bin/env node
import { rm } from 'node:fs/promises';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig, registrySettings, serverSettings, settingsHelp, type ServerConfig } from './config.js';
import { dockerConfigCredentials } from './distribution/docker-credentials.js';
import { ModelDistribution } from './distribution/model-distribution.js';
import { RegistryClient } from './distribution/registry-client.js';
import { WorkerLauncher } from './engine/client/worker-launcher.js';
import { Scheduler } from './scheduler/scheduler.js';
import { createApp } from './server/create-app.js';
import { listen } from './server/http-listeners.js';
import { createLogger } from './shared/logger.js';
import { packageInfo } from './shared/package-root.js';
import { ModelStore } from './store/model-store.js';
import { engineBackend } from './engine/engine-backend.js';
import { Registry } from 'prom-client';
import { LogDir } from './logs/log-dir.js';
import { LogFeed } from './logs/log-feed.js';
import { RequestRecords } from './server/observability/request-records.js';
import { RunnerMetrics } from './server/observability/runner-metrics.js';
import { ResponseStore } from './server/responses/response-store.js';

const SHUTDOWN_GRACE_MS = 10_000;
/** Each log file is rotated at this size, with two older files kept: at most 30 MiB per log. */
const LOG_ROTATION = { maxBytes: 10 * 1024 * 1024, keep: 2 };

/** The log directory, opened for writing; a directory that cannot be had is said and done without. */
function openLogDir(config: ServerConfig): { logDir: LogDir | undefined; problem: string | undefined } {
  if (config.logDir === undefined) return { logDir: undefined, problem: undefined };
  try {
    return { logDir: LogDir.open(config.logDir, LOG_ROTATION), problem: undefined };
  } catch (error) {
    return { logDir: undefined, problem: `cannot write logs to ${config.logDir}, /logs is off: ${(error as Error).message}` };
  }
}

/** Composition root: config → logger → store → distribution → scheduler → app → listeners. */
async function main(): Promise<void> {
  // The one subcommand of the server's binary; the plugin is a client of the runner, so it is loaded only here.
  if (process.argv[2] === 'install-plugin') return void (await import('../plugin/install-plugin-main.js'));
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`Usage: model-runner\n\nEnvironment:\n${settingsHelp([...Object.values(serverSettings), ...Object.values(registrySettings)])}\n`);
    return;
  }
  const config = loadServerConfig();
  const { logDir, problem } = openLogDir(config);
  const logger = createLogger(config.logLevel, logDir?.destination(process.stderr) ?? process.stderr);
  if (problem) logger.warn(problem);
  const logs = logDir ? new LogFeed(logDir.dir) : undefined;
  const records = new RequestRecords();
  const metrics = new RunnerMetrics(new Registry(), { requests: () => records.subscribers, logs: () => logs?.followers ?? 0 });
  const store = await ModelStore.open(config.modelsPath, logger.child({ component: 'store' }));
  const registry = new RegistryClient({ config: config.registry, credentials: dockerConfigCredentials({ configDir: config.registry.dockerConfigDir }) });
  const distribution = new ModelDistribution({ store, registry, logger: logger.child({ component: 'distribution' }), meter: metrics });
  const socketDir = join(tmpdir(), `model-runner-${process.pid}`);
  const launcher = new WorkerLauncher({ socketDir, log: logger.child({ component: 'engine' }), logLevel: config.logLevel }, config.gpu);
  launcher.prepare();
  const scheduler = new Scheduler({
    startEngine: (options) => launcher.start(options),
    settings: { ...config, defaultKeepAliveMs: config.keepAliveMs },
    log: logger.child({ component: 'scheduler' }),
    freeMemory: freemem,
    events: records,
  });
  const backend = engineBackend(packageInfo().root);
  const closing = new AbortController();
  const app = createApp({
    allowedOrigins: config.allowedOrigins,
    apiKey: config.apiKey,
    store,
    distribution,
    scheduler,
    logger: logger.child({ component: 'server' }),
    version: packageInfo().version,
    engineDescription: backend.description,
    backendDir: backend.dir,
    records,
    metrics,
    serveMetrics: config.serveMetrics,
    logs,
    responses: new ResponseStore(),
    closing: closing.signal,
  });
  const listeners = await listen(app.fetch, config, logger.child({ component: 'listener' }));
  logger.info({ port: listeners.port, bind: config.bind, socket: listeners.socketPath, models: config.modelsPath, logs: logDir?.dir }, 'runner listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    scheduler.stopAccepting();
    distribution.stopAccepting();
    await launcher.close();
    closing.abort();
    await listeners.close(SHUTDOWN_GRACE_MS);
    // Cut clients end their pulls; wait for those to stop writing before the workers and the process go.
    await distribution.close();
    await scheduler.close();
    // Last: pulls and bundle builds hold the store's locks until they stop.
    await store.close();
    await rm(socketDir, { recursive: true, force: true });
    logger.info('stopped');
    logDir?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`model-runner: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

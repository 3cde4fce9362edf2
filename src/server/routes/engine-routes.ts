import { Hono } from 'hono';
import { z } from 'zod';
import type { EngineMode } from '../../engine/engine.js';
import { parseKeepAlive } from '../../scheduler/go-duration.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { RunnerConfig } from '../../scheduler/scheduler-types.js';
import { diskUsage } from '../../shared/disk-usage.js';
import { RunnerError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ModelStore } from '../../store/model-store.js';
import { backendConfiguration } from '../backend-configuration.js';
import { resolveModelTarget } from '../model-target.js';
import { readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';

export interface EngineRouteDeps {
  store: ModelStore;
  scheduler: Scheduler;
  logger: Logger;
  /** e.g. "node-llama-cpp 3.21.1"; reported by /engines/status. */
  engineDescription: string;
  /** Where the engine's binaries live, for /engines/df. */
  backendDir: string;
}

const unloadRequest = z.object({
  all: z.boolean().optional(),
  backend: z.string().optional(),
  models: z.array(z.string()).optional(),
});

const configureRequest = z.object({
  model: z.string().min(1, 'model is required'),
  mode: z.enum(['completion', 'embedding']).optional(),
  'context-size': z.number().int().min(-1).optional(),
  'runtime-flags': z.array(z.string()).optional(),
  'raw-runtime-flags': z.string().optional(),
  keep_alive: z.string().optional(),
});

type ConfigureRequest = z.infer<typeof configureRequest>;

function runtimeFlags(body: ConfigureRequest): string[] {
  return body['runtime-flags'] ?? (body['raw-runtime-flags'] ?? '').split(/\s+/).filter(Boolean);
}

/** The flags that mean something to this engine; others are accepted and logged, as Compose files carry llama-server flags. */
function configFromFlags(flags: readonly string[]): { contextSize?: number; embeddings: boolean; ignored: string[] } {
  const ignored: string[] = [];
  let contextSize: number | undefined;
  for (let i = 0; i < flags.length; i++) {
    const [flag = '', inline] = (flags[i] ?? '').split('=', 2);
    if (flag === '--ctx-size' || flag === '-c') contextSize = Number(inline ?? flags[++i]);
    else if (flag !== '--embeddings' && flag !== '--jinja') ignored.push(flags[i] ?? '');
  }
  if (contextSize !== undefined && !(Number.isInteger(contextSize) && contextSize > 0)) {
    throw new RunnerError('invalid_request', 'runtime flag --ctx-size needs a positive integer');
  }
  return { ...(contextSize ? { contextSize } : {}), embeddings: flags.includes('--embeddings'), ignored };
}

/** DMR's engine API: status, ps, df, unload and runtime configuration (reference §2.4). */
export function engineRoutes(deps: EngineRouteDeps): Hono<ServerEnv> {
  const { store, scheduler, logger } = deps;
  const app = new Hono<ServerEnv>();

  app.get('/engines/status', (c) => c.json({ 'llama.cpp': `Running: ${deps.engineDescription}` }));

  app.get('/engines/ps', (c) => c.json(scheduler.ps()));

  app.get('/engines/df', async (c) =>
    c.json({ models_disk_usage: await diskUsage(store.layout.root), default_backend_disk_usage: await diskUsage(deps.backendDir) }),
  );

  app.post('/engines/unload', async (c) => {
    const body = await readJson(c, unloadRequest, { invalidMessage: 'invalid request' });
    if (body.all) {
      scheduler.clearConfigs();
      return c.json({ unloaded_runners: await scheduler.unload(() => true) });
    }
    const ids = new Set<string>();
    for (const model of body.models ?? []) {
      const found = await store.get(model).catch(() => undefined);
      if (found) ids.add(found.id);
    }
    return c.json({ unloaded_runners: await scheduler.unload((id) => ids.has(id)) });
  });

  const configure = async (c: import('hono').Context<ServerEnv>) => {
    const body = await readJson(c, configureRequest, { invalidMessage: 'invalid request' });
    const target = await resolveModelTarget(store, body.model);
    const flags = configFromFlags(runtimeFlags(body));
    if (flags.ignored.length > 0) logger.warn({ model: body.model, flags: flags.ignored }, 'runtime flags ignored by this engine');
    const mode: EngineMode = body.mode ?? (flags.embeddings ? 'embedding' : 'completion');
    const contextSize = body['context-size'] !== undefined && body['context-size'] > 0 ? body['context-size'] : flags.contextSize;
    const config: RunnerConfig = {
      ...(contextSize ? { contextSize } : {}),
      ...(body.keep_alive !== undefined ? { keepAliveMs: parseKeepAlive(body.keep_alive) } : {}),
    };
    await scheduler.configure({ modelId: target.id, modelName: body.model, mode, config });
    scheduler.preload(target, mode).catch((error: unknown) => logger.warn({ model: body.model, err: error }, 'preload after configure failed'));
    return c.body(null, 202);
  };
  app.post('/engines/_configure', configure);
  app.post('/engines/:backend/_configure', configure);

  app.get('/engines/_configure', async (c) => {
    const reference = c.req.query('model');
    const modelId = reference ? (await store.get(reference)).id : undefined;
    return c.json(
      scheduler.configs(modelId).map((entry) => ({
        Backend: 'llama.cpp',
        Model: entry.modelName,
        ModelID: entry.modelId,
        Mode: entry.mode,
        Config: backendConfiguration(entry.config),
      })),
    );
  });

  return app;
}

import type { EngineMode } from '../../engine/engine.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { RunnerConfig } from '../../scheduler/scheduler-types.js';
import type { Logger } from '../../shared/logger.js';

export interface ConfigureDeps {
  scheduler: Scheduler;
  logger: Logger;
}

/**
 * Applies what a request asks of its model's worker (`num_ctx`, `keep_alive`) through the
 * scheduler's `_configure`, over what was configured before. As DMR does: an unchanged config
 * leaves the worker alone (a new one restarts it when it is idle), and a worker that is busy keeps
 * its config, which is logged rather than failing the request.
 */
export async function configureRunner(deps: ConfigureDeps, model: { id: string; name: string }, mode: EngineMode, requested: RunnerConfig): Promise<void> {
  const current = deps.scheduler.configs(model.id).find((entry) => entry.mode === mode)?.config ?? {};
  const config = { ...current, ...requested };
  if (config.contextSize === current.contextSize && config.keepAliveMs === current.keepAliveMs) return;
  await deps.scheduler.configure({ modelId: model.id, modelName: model.name, mode, config }).catch((error: unknown) => {
    deps.logger.warn({ model: model.name, err: error }, 'ollama: the worker keeps its config');
  });
}

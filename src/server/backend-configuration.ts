import { formatGoDuration } from '../scheduler/go-duration.js';
import type { RunnerConfig } from '../scheduler/scheduler-types.js';

/** A runner's configuration in DMR's BackendConfiguration JSON (only what was set). */
export function backendConfiguration(config: RunnerConfig): Record<string, unknown> {
  return {
    ...(config.contextSize ? { 'context-size': config.contextSize } : {}),
    ...(config.keepAliveMs !== undefined ? { keep_alive: formatGoDuration(config.keepAliveMs) } : {}),
  };
}

import { join } from 'node:path';

/** DMR's file names in its log directory: the service's log and the llama.cpp engine's. */
export const SERVICE_LOG = 'inference.log';
export const ENGINE_LOG = 'inference-llama.cpp-server.log';

export function logPaths(dir: string): { service: string; engine: string } {
  return { service: join(dir, SERVICE_LOG), engine: join(dir, ENGINE_LOG) };
}

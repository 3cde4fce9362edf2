import type { ModelConfigFile } from './model-artifact.js';

/**
 * CNCF ModelPack artifacts (`application/vnd.cncf.model.config.v1+json`) describe the same things
 * as DMR's config in camelCase under other names; DMR reads them through an adapter, and so do we.
 * The blob itself is stored as pulled, so its digest (and the model id) stay the registry's.
 */
interface ModelPackConfig {
  descriptor?: { createdAt?: string };
  config?: { architecture?: string; format?: string; paramSize?: string; quantization?: string; precision?: string };
  modelfs?: { type?: string; diff_ids?: string[]; diffIds?: string[] };
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function modelConfigFromModelPack(raw: ModelPackConfig): ModelConfigFile {
  const config = raw.config ?? {};
  // The blob is untrusted: its fields are typed as they should be, not as they must be.
  const diffIds: unknown = raw.modelfs?.diff_ids ?? raw.modelfs?.diffIds;
  const fields = {
    format: stringField(config.format),
    quantization: stringField(config.quantization) ?? stringField(config.precision),
    parameters: stringField(config.paramSize),
    architecture: stringField(config.architecture),
  };
  const created = stringField(raw.descriptor?.createdAt);
  return {
    config: Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    ...(created === undefined ? {} : { descriptor: { created } }),
    rootfs: { type: 'rootfs', diff_ids: Array.isArray(diffIds) ? diffIds.filter((id): id is string => typeof id === 'string') : [] },
  };
}

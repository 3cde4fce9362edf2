import type { Model, OpenAIModel } from '../api/dmr-types.js';
import { createdSeconds } from '../store/model-artifact.js';
import type { StoredModel } from '../store/model-store.js';

/** A stored model, or one in a registry (which has no local tags). */
export function toModel(stored: Pick<StoredModel, 'id' | 'tags' | 'configFile'>): Model {
  return {
    id: stored.id,
    ...(stored.tags.length > 0 ? { tags: stored.tags } : {}),
    created: createdSeconds(stored.configFile),
    config: stored.configFile.config,
  };
}

function withoutEmpty<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined && field !== '' && field !== 0)) as Partial<T>;
}

export function toOpenAIModel(stored: StoredModel): OpenAIModel {
  const { config } = stored.configFile;
  const dmr = withoutEmpty({
    context_window: config.context_size,
    architecture: config.architecture,
    parameters: config.parameters,
    quantization: config.quantization,
    size: config.size,
  });
  return {
    id: stored.tags[0] ?? stored.id,
    object: 'model',
    created: createdSeconds(stored.configFile),
    owned_by: 'docker',
    ...(Object.keys(dmr).length > 0 ? { dmr } : {}),
  };
}

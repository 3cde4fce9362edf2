import { parseKeepAlive } from '../../scheduler/go-duration.js';
import type { RunnerStatus } from '../../scheduler/scheduler-types.js';
import { createdSeconds } from '../../store/model-artifact.js';
import type { StoredModel } from '../../store/model-store.js';

/** Go's zero time, which Ollama (and DMR) print for "no expiry known". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

function modelDetails(model: StoredModel) {
  const { architecture = '', parameters = '', quantization = '' } = model.configFile.config;
  return {
    parent_model: '',
    format: 'gguf',
    family: architecture,
    families: architecture ? [architecture] : [],
    parameter_size: parameters,
    quantization_level: quantization,
  };
}

/** The bytes the model takes in the store, which Ollama's clients show as its size. */
function storedBytes(model: StoredModel): number {
  return model.manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

const modifiedAt = (model: StoredModel) => new Date(createdSeconds(model.configFile) * 1000).toISOString();

/** `/api/tags`: one entry per tag, as Ollama lists them, an untagged model under its ID. */
export function tagEntries(model: StoredModel) {
  const names = model.tags.length > 0 ? model.tags : [model.id];
  return names.map((name) => ({ name, model: name, modified_at: modifiedAt(model), size: storedBytes(model), digest: model.id, details: modelDetails(model) }));
}

/** GGUF metadata as values: numbers and booleans typed, as Ollama's model_info has them. */
function metadataValue(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/**
 * `/api/show`: DMR's details, plus what Ollama's clients read to size a chat and offer tools:
 * model_info (the GGUF metadata, with the context length this runner serves) and capabilities.
 */
export function showBody(model: StoredModel) {
  const { architecture = '', gguf = {}, context_size } = model.configFile.config;
  const modelInfo: Record<string, unknown> = Object.fromEntries(Object.entries(gguf).map(([key, value]) => [key, metadataValue(value)]));
  if (context_size) modelInfo[`${architecture}.context_length`] = context_size;
  const embedding = gguf[`${architecture}.pooling_type`] !== undefined;
  return {
    details: modelDetails(model),
    model_info: modelInfo,
    capabilities: embedding ? ['embedding'] : ['completion', 'tools'],
    modified_at: modifiedAt(model),
  };
}

/** When an idle worker unloads: its last use plus its keep-alive; the zero time while in use or kept forever. */
function expiresAt(status: RunnerStatus): string {
  if (status.in_use || status.keep_alive === undefined || status.last_used === ZERO_TIME) return ZERO_TIME;
  return new Date(Date.parse(status.last_used) + parseKeepAlive(status.keep_alive)).toISOString();
}

/** `/api/ps`: a running worker, named by its model's first tag. */
export function psEntry(status: RunnerStatus, model: StoredModel | undefined) {
  const name = model?.tags[0] ?? status.model_name;
  return {
    name,
    model: name,
    size: model ? storedBytes(model) : 0,
    digest: model?.id ?? status.model_name,
    details: model ? modelDetails(model) : undefined,
    expires_at: expiresAt(status),
  };
}

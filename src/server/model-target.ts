import type { ModelTarget } from '../scheduler/scheduler-types.js';
import { RunnerError, isRunnerError } from '../shared/errors.js';
import { MediaType, layersOfType } from '../store/model-artifact.js';
import type { ModelStore, StoredModel } from '../store/model-store.js';

/** DMR's wording when an OpenAI route names a model the store does not have. */
const dmrNotFound = (reference: string) => `error while getting model: get model '${JSON.stringify(reference)}': model not found`;

/** A stored model, or a 404 in the words of the API asking (DMR's by default; Ollama and Anthropic have their own). */
export async function findModel(store: ModelStore, reference: string, notFound: (reference: string) => string = dmrNotFound): Promise<StoredModel> {
  try {
    return await store.get(reference);
  } catch (error) {
    if (!isRunnerError(error, 'not_found')) throw error;
    throw new RunnerError('not_found', notFound(reference), { param: 'model' });
  }
}

/** What the scheduler needs to run a stored model: its bundle files and sizing facts. */
export async function resolveModelTarget(store: ModelStore, reference: string, notFound?: (reference: string) => string): Promise<ModelTarget> {
  const model = await findModel(store, reference, notFound);
  const bundle = await store.bundle(model);
  const { config } = model.configFile;
  return {
    id: model.id,
    name: reference,
    modelPath: bundle.modelPath,
    chatTemplatePath: bundle.chatTemplatePath,
    contextSize: config.context_size ?? 0,
    weightsBytes: layersOfType(model.manifest, MediaType.gguf).reduce((sum, layer) => sum + layer.size, 0),
    gguf: config.gguf ?? {},
  };
}

import { RunnerError, isRunnerError } from '../../shared/errors.js';
import type { ModelStore, StoredModel } from '../../store/model-store.js';

/** A stored model, or Ollama's 404 in Ollama's words. */
export async function findModel(store: ModelStore, name: string): Promise<StoredModel> {
  try {
    return await store.get(name);
  } catch (error) {
    if (!isRunnerError(error, 'not_found')) throw error;
    throw new RunnerError('not_found', `model "${name}" not found, try pulling it first`, { param: 'model' });
  }
}

import type { ModelStore, StoredModel } from '../../store/model-store.js';
import { findModel } from '../model-target.js';

/** A stored model, or Ollama's 404 in Ollama's words. */
export function findOllamaModel(store: ModelStore, name: string): Promise<StoredModel> {
  return findModel(store, name, (reference) => `model "${reference}" not found, try pulling it first`);
}

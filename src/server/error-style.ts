import type { ErrorStyle } from './render-error.js';

/** OpenAI's inference endpoints (Responses with its retrieve, input_items and delete) under every engine prefix. */
const OPENAI_INFERENCE = /^(?:\/engines(?:\/[^/]+)?)?\/v1\/(?:chat\/completions|completions|embeddings|responses(?:\/[^/]+(?:\/input_items)?)?)\/?$/;

/**
 * How a route's errors are written, decided from its path (without Desktop's prefix) alone, so that
 * a refusal made before routing (a missing API key) is already in the shape of the API called.
 */
export function errorStyleFor(path: string): ErrorStyle {
  return OPENAI_INFERENCE.test(path) ? 'openai' : 'text';
}

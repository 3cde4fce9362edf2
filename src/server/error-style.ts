import type { ErrorStyle } from './render-error.js';

/** OpenAI's inference endpoints under every engine prefix, with or without Desktop's prefix. */
const OPENAI_INFERENCE = /^(?:\/exp\/vDD4\.40)?(?:\/engines(?:\/[^/]+)?)?\/v1\/(?:chat\/completions|completions|embeddings)\/?$/;

/**
 * How a route's errors are written, decided from the path alone so that a refusal made before
 * routing (a missing API key) is already in the shape of the API the client called.
 */
export function errorStyleFor(path: string): ErrorStyle {
  return OPENAI_INFERENCE.test(path) ? 'openai' : 'text';
}

import type { ErrorStyle } from './render-error.js';

/** OpenAI's inference endpoints (Responses with its retrieve, input_items and delete) under every engine prefix. */
const OPENAI_INFERENCE = /^(?:\/engines(?:\/[^/]+)?)?\/v1\/(?:chat\/completions|completions|embeddings|responses(?:\/[^/]+(?:\/input_items)?)?)\/?$/;

/** Anthropic's Messages API at `/anthropic` (DMR's own route) and under every engine prefix. */
const ANTHROPIC = /^(?:\/anthropic|\/engines(?:\/[^/]+)?)?\/v1\/messages(?:\/count_tokens)?\/?$/;

/**
 * How a route's errors are written, decided from its path (without Desktop's prefix) alone, so that
 * a refusal made before routing (a missing API key) is already in the shape of the API called.
 */
export function errorStyleFor(path: string): ErrorStyle {
  if (path.startsWith('/api/')) return 'ollama';
  if (OPENAI_INFERENCE.test(path)) return 'openai';
  return ANTHROPIC.test(path) ? 'anthropic' : 'text';
}

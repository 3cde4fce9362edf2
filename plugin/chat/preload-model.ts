import type { RunnerClient } from '../../src/api/runner-client.js';
import { responseError } from '../../src/api/response-error.js';

/** Loads the model without generating (`X-Preload-Only`), as DMR's `run --detach` and its REPL start do. */
export async function preloadModel(client: Pick<RunnerClient, 'send'>, model: string, signal?: AbortSignal): Promise<void> {
  const response = await client.send('/engines/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-preload-only': 'true' },
    body: JSON.stringify({ model, messages: [] }),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw await responseError(response);
  await response.body?.cancel();
}

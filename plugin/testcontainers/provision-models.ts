import type { RunnerClient } from '../../src/api/runner-client.js';
import { RunnerError, isRunnerError } from '../../src/shared/errors.js';
import { silentDisplay } from '../transfer/progress-display.js';
import { pullQuietly } from '../transfer/run-transfer.js';

/**
 * Pulls each model through the runner (`POST /models/create`) as DMR's CLI does, retrying only a
 * runner that is not answering yet, then sets the context size for each (`POST /engines/_configure`).
 * A refusal keeps the registry's words: "pulling X failed with status 404 Not Found: …".
 */
export async function provisionModels(client: RunnerClient, models: readonly string[], contextSize: number | undefined, signal: AbortSignal): Promise<void> {
  for (const model of models) {
    await pullQuietly(client, model, () => silentDisplay, signal);
  }
  if (contextSize === undefined) return;
  for (const model of models) {
    await client.configure({ model, 'context-size': contextSize }).catch((error: unknown) => {
      if (!isRunnerError(error)) throw error;
      throw new RunnerError(error.code, `setting context size ${contextSize} for ${model} failed: ${error.message}`, { cause: error });
    });
  }
}

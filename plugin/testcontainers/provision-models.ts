import { Writable } from 'node:stream';
import type { RunnerClient } from '../../src/api/runner-client.js';
import { RunnerError, isRunnerError } from '../../src/shared/errors.js';
import { silentDisplay } from '../transfer/progress-display.js';
import { DMR_RETRY_SCHEDULE } from '../transfer/retry.js';
import { runTransfer } from '../transfer/run-transfer.js';

const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * Pulls each model through the runner (`POST /models/create`) as DMR's CLI does, retrying only a
 * runner that is not answering yet, then sets the context size for each (`POST /engines/_configure`).
 * A refusal keeps the registry's words: "pulling X failed with status 404 Not Found: …".
 */
export async function provisionModels(client: RunnerClient, models: readonly string[], contextSize: number | undefined, signal: AbortSignal): Promise<void> {
  for (const model of models) {
    await runTransfer({ mode: 'pull', model }, { client, display: () => silentDisplay, out: discard, err: discard, schedule: DMR_RETRY_SCHEDULE, signal });
  }
  if (contextSize === undefined) return;
  for (const model of models) {
    await client.configure({ model, 'context-size': contextSize }).catch((error: unknown) => {
      if (!isRunnerError(error)) throw error;
      throw new RunnerError(error.code, `setting context size ${contextSize} for ${model} failed: ${error.message}`, { cause: error });
    });
  }
}

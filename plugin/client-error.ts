import { NOT_RUNNING } from '../src/api/runner-client.js';
import { isRunnerError, RunnerError, type ErrorCode } from '../src/shared/errors.js';

/** DMR's "What's next" block, for a runner that does not answer on Docker Engine. */
export const START_HINTS = "\nWhat's next:\n    Start the runner → docker model start-runner\n    Install it → docker model install-runner";

/**
 * DMR's handleClientError: a runner that does not answer reads "not running" with the hints;
 * anything else is "<what failed>: <why>".
 */
export async function clientCall<T>(failure: string, call: Promise<T>, options: { asIs?: ErrorCode[] } = {}): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isRunnerError(error) && options.asIs?.includes(error.code)) throw error;
    if (isRunnerError(error, 'unavailable') && error.message.startsWith(NOT_RUNNING)) throw new RunnerError('unavailable', `${NOT_RUNNING}\n${START_HINTS}`, { cause: error });
    if (isRunnerError(error)) throw new RunnerError(error.code, `${failure}: ${error.message}`, { cause: error });
    throw error;
  }
}

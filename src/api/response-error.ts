import { codeForStatus, RunnerError } from '../shared/errors.js';

/** The reason in a failed answer, on one line: an OpenAI error object's message, else the plain-text body. */
export function errorMessage(body: string): string | undefined {
  let reason = body;
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') reason = message;
  } catch {
    // a plain-text body, as DMR's own routes answer
  }
  return reason.trim().replace(/\s*\n\s*/g, ' ') || undefined;
}

/** A failed runner answer as one RunnerError, in the runner's words: DMR's plain text or OpenAI's error object. */
export async function responseError(response: Response): Promise<RunnerError> {
  return new RunnerError(codeForStatus(response.status), errorMessage(await response.text()) ?? `${response.status} ${response.statusText}`);
}

import { RunnerError, type ErrorCode } from '../shared/errors.js';

const MAX_ERROR_BODY = 64 * 1024;

interface RegistryErrorBody {
  errors?: Array<{ code?: string; message?: string }>;
}

async function errorSummary(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BODY);
  try {
    const errors = (JSON.parse(text) as RegistryErrorBody).errors ?? [];
    const parts = errors.map((error) => [error.code, error.message].filter(Boolean).join(': ')).filter(Boolean);
    if (parts.length > 0) return parts.join('; ');
  } catch {
    // Not the spec's JSON error body (a proxy's HTML page, say): quote the start of it.
  }
  return text.trim().replace(/\s+/g, ' ').slice(0, 200) || response.statusText;
}

function codeFor(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 429) return 'unavailable';
  return 'internal';
}

/**
 * A registry's refusal as our error: the status picks the code, and the message says what we were
 * doing, then what the registry said (`MANIFEST_UNKNOWN: manifest unknown`).
 */
export async function registryError(response: Response, what: string, code: ErrorCode = codeFor(response.status)): Promise<RunnerError> {
  const summary = await errorSummary(response);
  // DMR's clients show 401s as `Unauthorized`, whichever call met them.
  const prefix = code === 'unauthorized' && !what.startsWith('Unauthorized') ? 'Unauthorized: ' : '';
  return new RunnerError(code, `${prefix}${what}: registry answered ${response.status}: ${summary}`);
}

/** A connection that failed before any answer, in words a user can act on. */
export function transportError(error: unknown, url: URL): RunnerError {
  if (error instanceof RunnerError) return error;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return new RunnerError('internal', `cannot reach registry ${url.host}: ${detail}`, { cause: error });
}

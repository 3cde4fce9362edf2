/**
 * The one error type of the runner. Every failure that can reach a client is a RunnerError with a
 * code from a closed set; the status table below is the only place that maps codes to HTTP status.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_reference'
  | 'invalid_model'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_model'
  | 'context_length_exceeded'
  | 'unavailable'
  | 'not_implemented'
  | 'internal';

export const statusForCode: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  invalid_reference: 400,
  invalid_model: 400,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  unsupported_model: 422,
  context_length_exceeded: 400,
  unavailable: 503,
  not_implemented: 501,
  internal: 500,
};

/** The code a client reads from an HTTP status: gateways' 502 and 504 are "unavailable" as 503 is. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 502 || status === 504) return 'unavailable';
  const match = (Object.keys(statusForCode) as ErrorCode[]).find((code) => statusForCode[code] === status);
  return match ?? (status >= 500 ? 'internal' : 'invalid_request');
}

export interface RunnerErrorOptions {
  /** The request parameter at fault, reported in OpenAI error bodies. */
  param?: string;
  cause?: unknown;
}

export class RunnerError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;

  constructor(code: ErrorCode, message: string, options: RunnerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunnerError';
    this.code = code;
    this.param = options.param;
  }

  get status(): number {
    return statusForCode[this.code];
  }
}

export function isRunnerError(error: unknown, code?: ErrorCode): error is RunnerError {
  return error instanceof RunnerError && (code === undefined || error.code === code);
}

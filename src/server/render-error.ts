import { RunnerError, statusForCode, type ErrorCode } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/** DMR's native API answers errors as Go's http.Error does; the OpenAI, Ollama and Anthropic routes as their APIs do. */
export type ErrorStyle = 'text' | 'openai' | 'ollama' | 'anthropic';

const openAITypes: Partial<Record<ErrorCode, string>> = {
  not_found: 'not_found_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  conflict: 'conflict_error',
  unavailable: 'service_unavailable_error',
  internal: 'server_error',
};

export function asRunnerError(error: unknown, logger: Logger): RunnerError {
  if (error instanceof RunnerError) return error;
  logger.error({ err: error }, 'unexpected error');
  return new RunnerError('internal', error instanceof Error ? error.message : String(error));
}

export function renderError(error: RunnerError, style: ErrorStyle): Response {
  const status = statusForCode[error.code];
  if (style === 'text') {
    return new Response(`${error.message}\n`, {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    });
  }
  return Response.json(errorBody(error, style), { status });
}

/** An error in a JSON API's own shape: the body of its error response, or of a stream's last frame. */
export function errorBody(error: RunnerError, style: Exclude<ErrorStyle, 'text'>): object {
  switch (style) {
    case 'ollama':
      return ollamaErrorBody(error);
    case 'anthropic':
      return anthropicErrorBody(error);
    case 'openai':
      return openAIErrorBody(error);
  }
}

/** Ollama's error object; also a line of an NDJSON stream when a failure comes after the first byte. */
function ollamaErrorBody(error: RunnerError): { error: string } {
  return { error: error.message };
}

const openAICodes: Partial<Record<ErrorCode, string>> = {
  context_length_exceeded: 'context_length_exceeded',
};

/** OpenAI's code for what was not found: a model has one; a stored response, a backend do not. */
function openAICode(error: RunnerError): string | null {
  if (error.code === 'not_found') return error.param === 'model' ? 'model_not_found' : null;
  return openAICodes[error.code] ?? null;
}

/** OpenAI's error object; also sent inside an event stream when a failure comes after the first byte. */
export function openAIErrorBody(error: RunnerError): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return {
    error: {
      message: error.message,
      type: openAITypes[error.code] ?? 'invalid_request_error',
      param: error.param ?? null,
      code: openAICode(error),
    },
  };
}

const anthropicTypes: Partial<Record<ErrorCode, string>> = {
  not_found: 'not_found_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  payload_too_large: 'request_too_large',
  unavailable: 'overloaded_error',
};

/** Anthropic's error object; also the `error` event of a stream that fails after the first byte. */
function anthropicErrorBody(error: RunnerError): { type: 'error'; error: { type: string; message: string } } {
  const fallback = error.status >= 500 ? 'api_error' : 'invalid_request_error';
  return { type: 'error', error: { type: anthropicTypes[error.code] ?? fallback, message: error.message } };
}

import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { RunnerError, isRunnerError, type ErrorCode } from '../shared/errors.js';
import type { Failure__Output } from './proto/generated/modelrunner/engine/v1/Failure.js';

const CODE_KEY = 'x-runner-error-code';
const PARAM_KEY = 'x-runner-error-param';

const grpcStatusFor: Partial<Record<ErrorCode, status>> = {
  invalid_request: status.INVALID_ARGUMENT,
  context_length_exceeded: status.OUT_OF_RANGE,
  unavailable: status.RESOURCE_EXHAUSTED,
  not_found: status.NOT_FOUND,
};

/** A worker's error, whatever was thrown, as the Failure the runner restores it from. */
export function toFailure(error: unknown): Failure__Output {
  const runnerError = isRunnerError(error) ? error : new RunnerError('internal', error instanceof Error ? error.message : String(error));
  return { code: runnerError.code, message: runnerError.message, param: runnerError.param ?? '' };
}

/** The RunnerError a Failure carries, as the worker threw it. */
export function fromFailure({ code, message, param }: Failure__Output): RunnerError {
  return new RunnerError(code as ErrorCode, message, param ? { param } : {});
}

/** A worker's error as gRPC status, carrying the RunnerError code so the runner can restore it. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  const failure = toFailure(error);
  const metadata = new Metadata();
  metadata.set(CODE_KEY, failure.code);
  if (failure.param) metadata.set(PARAM_KEY, failure.param);
  return { code: grpcStatusFor[failure.code as ErrorCode] ?? status.INTERNAL, details: failure.message, metadata };
}

/** What a request hears when its own client gave up on it. */
export function cancelledError(model: string): RunnerError {
  return new RunnerError('unavailable', `request for model ${model} was cancelled`);
}

/** The runner's view of a failed call: the worker's own RunnerError, or one naming the model. */
export function fromServiceError(error: ServiceError, model: string): RunnerError {
  const code = error.metadata?.get(CODE_KEY)[0];
  if (typeof code === 'string') {
    const param = error.metadata.get(PARAM_KEY)[0];
    return fromFailure({ code, message: error.details, param: typeof param === 'string' ? param : '' });
  }
  if (error.code === status.CANCELLED) return cancelledError(model);
  return new RunnerError('internal', `the engine serving model ${model} failed: ${error.details || error.message}`);
}

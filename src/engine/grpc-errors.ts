import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { RunnerError, isRunnerError, type ErrorCode } from '../shared/errors.js';

const CODE_KEY = 'x-runner-error-code';
const PARAM_KEY = 'x-runner-error-param';

const grpcStatusFor: Partial<Record<ErrorCode, status>> = {
  invalid_request: status.INVALID_ARGUMENT,
  context_length_exceeded: status.OUT_OF_RANGE,
  unavailable: status.RESOURCE_EXHAUSTED,
  not_found: status.NOT_FOUND,
};

/** A worker's error as gRPC status, carrying the RunnerError code so the runner can restore it. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  const runnerError = isRunnerError(error) ? error : new RunnerError('internal', error instanceof Error ? error.message : String(error));
  const metadata = new Metadata();
  metadata.set(CODE_KEY, runnerError.code);
  if (runnerError.param) metadata.set(PARAM_KEY, runnerError.param);
  return { code: grpcStatusFor[runnerError.code] ?? status.INTERNAL, details: runnerError.message, metadata };
}

/** The runner's view of a failed call: the worker's own RunnerError, or one naming the model. */
export function fromServiceError(error: ServiceError, model: string): RunnerError {
  const code = error.metadata?.get(CODE_KEY)[0];
  if (typeof code === 'string') {
    const param = error.metadata.get(PARAM_KEY)[0];
    return new RunnerError(code as ErrorCode, error.details, typeof param === 'string' ? { param } : {});
  }
  if (error.code === status.CANCELLED) return new RunnerError('unavailable', `request for model ${model} was cancelled`);
  return new RunnerError('internal', `the engine serving model ${model} failed: ${error.details || error.message}`);
}

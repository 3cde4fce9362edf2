import { RunnerError } from '../shared/errors.js';

const MAX_CONTEXT_SIZE = 2 ** 31 - 1;

/**
 * A context size from Compose (`context_size`, or a provider's `context-size` option): unset or
 * negative means the model's own, as DMR reads its `-1` default.
 */
export function contextSize(value: string | undefined): number | undefined {
  if (value === undefined || Number(value) < 0) return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size > MAX_CONTEXT_SIZE) throw new RunnerError('invalid_request', `context-size ${value} is out of range (must be an integer between 0 and ${MAX_CONTEXT_SIZE})`);
  return size;
}

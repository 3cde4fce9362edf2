import { RunnerError } from '../shared/errors.js';

/** Every reader rejection shares one code and prefix so callers can report it uniformly. */
export function invalidGguf(detail: string): RunnerError {
  return new RunnerError('invalid_model', `invalid GGUF file: ${detail}`);
}

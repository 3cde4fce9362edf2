import fc from 'fast-check';

/** One input taking longer than this is a hang, reported with the input that caused it. */
const HANG_MS = 10_000;

/**
 * fast-check parameters for one property: `normalRuns` inputs in `npm test`, FUZZ_RUNS inputs in
 * `npm run fuzz`, so the same files are both a quick regression check and a long fuzzing session.
 */
export function fuzzParameters<T>(normalRuns: number): fc.Parameters<T> {
  const requested = Number(process.env.FUZZ_RUNS);
  const numRuns = Number.isSafeInteger(requested) && requested > 0 ? requested : normalRuns;
  return { numRuns, plugins: [fc.timeout(HANG_MS)] };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../test/helpers/fuzz-runs.js';
import { outcomeOf } from '../../test/helpers/outcome.js';
import { referenceLike } from '../../test/helpers/reference-arbitraries.js';
import { normalizeTag, parseModelReference } from './model-reference.js';
import { resolveEntry } from './resolve-model.js';

/** What `parse` returns, or undefined for a refusal, whose message must not be able to forge a line. */
async function parsedOrRefused<T>(parse: () => T): Promise<T | undefined> {
  const outcome = await outcomeOf(parse, 'invalid_reference');
  if ('value' in outcome) return outcome.value;
  expect(outcome.refusal.message).not.toMatch(/[\u0000-\u001f\u007f]/);
  return undefined;
}

describe('model references under fuzzing', () => {
  it('parses or refuses any text with the documented error', async () => {
    await fc.assert(
      fc.asyncProperty(referenceLike, async (input) => {
        await parsedOrRefused(() => parseModelReference(input));
      }),
      fuzzParameters(2000),
    );
  });

  it('stores tags in a form that parses back to itself', async () => {
    await fc.assert(
      fc.asyncProperty(referenceLike, async (input) => {
        const tag = await parsedOrRefused(() => normalizeTag(input));
        if (tag !== undefined) expect(normalizeTag(tag)).toBe(tag);
      }),
      fuzzParameters(2000),
    );
  });

  it('finds a model by the reference it was tagged with', async () => {
    const id = `sha256:${'c'.repeat(64)}`;
    await fc.assert(
      fc.asyncProperty(referenceLike, async (input) => {
        const tag = await parsedOrRefused(() => normalizeTag(input));
        if (tag !== undefined) expect(resolveEntry({ models: [{ id, tags: [tag], files: [] }] }, input)?.id).toBe(id);
      }),
      fuzzParameters(2000),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../test/helpers/fuzz-runs.js';
import { outcomeOf } from '../../test/helpers/outcome.js';
import { referenceLike } from '../../test/helpers/reference-arbitraries.js';
import { parseModelName } from '../store/model-reference.js';
import { locateRepository, type RegistryConfig } from './registry-endpoint.js';

const config: fc.Arbitrary<RegistryConfig> = fc.record({
  defaultRegistry: fc.constantFrom('index.docker.io', 'registry.example.com:5000', 'localhost:5000'),
  insecure: fc.boolean(),
  mirrors: fc.subarray(['mirror.example.com', 'http://10.0.0.5:5000', 'https://mirror.example.com:8443/']),
  dockerConfigDir: fc.constant('/none'),
});

describe('locateRepository under fuzzing', () => {
  it('turns every name the parser accepts into registry URLs that keep the repository path intact', async () => {
    await fc.assert(
      fc.asyncProperty(referenceLike, config, async (input, registryConfig) => {
        const name = await outcomeOf(() => parseModelName(input), 'invalid_reference');
        if (!('value' in name)) return;
        const location = locateRepository(name.value, registryConfig);
        expect(location.endpoints.length).toBeGreaterThan(0);
        const path = `/v2/${location.repository}/manifests/${location.reference}`;
        for (const endpoint of location.endpoints) {
          const url = new URL(path, endpoint.baseUrl);
          expect(url.origin).toBe(new URL(endpoint.baseUrl).origin);
          expect(url.pathname).toBe(path);
        }
      }),
      fuzzParameters(2000),
    );
  });
});

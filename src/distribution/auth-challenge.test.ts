import { describe, expect, it } from 'vitest';
import { parseAuthChallenges } from './auth-challenge.js';

describe('parseAuthChallenges', () => {
  it('reads a registry bearer challenge with a multi-action scope', () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:ai/smollm2:pull,push"';
    expect(parseAuthChallenges(header)).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:ai/smollm2:pull,push' } },
    ]);
  });

  it('reads several challenges, token values and escapes', () => {
    const header = 'Basic realm="a \\"quoted\\" realm", Bearer realm=https://t.example/token,error=invalid_token';
    expect(parseAuthChallenges(header)).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      { scheme: 'bearer', params: { realm: 'https://t.example/token', error: 'invalid_token' } },
    ]);
  });

  it('returns nothing for an empty header', () => {
    expect(parseAuthChallenges('')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseModelName } from '../store/model-reference.js';
import { locateRepository, type RegistryConfig } from './registry-endpoint.js';

const defaults: RegistryConfig = { defaultRegistry: 'index.docker.io', insecure: false, mirrors: [], dockerConfigDir: '/none' };

function locate(reference: string, config: Partial<RegistryConfig> = {}) {
  return locateRepository(parseModelName(reference), { ...defaults, ...config });
}

describe('locateRepository', () => {
  it('sends Docker Hub names to registry-1.docker.io with the ai/ namespace and latest tag', () => {
    expect(locate('smollm2')).toEqual({
      endpoints: [{ baseUrl: 'https://registry-1.docker.io', registry: 'docker.io', mirror: false }],
      repository: 'ai/smollm2',
      reference: 'latest',
    });
    expect(locate('index.docker.io/myorg/model:v1').repository).toBe('myorg/model');
  });

  it('uses the digest a reference pins instead of its tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(locate(`ghcr.io/org/model@${digest}`).reference).toBe(digest);
  });

  it('speaks plain HTTP to localhost, loopback addresses and .local hosts only', () => {
    expect(locate('localhost:5000/m/x').endpoints[0]?.baseUrl).toBe('http://localhost:5000');
    expect(locate('127.0.0.1:5000/m/x').endpoints[0]?.baseUrl).toBe('http://127.0.0.1:5000');
    expect(locate('models.local/m/x').endpoints[0]?.baseUrl).toBe('http://models.local');
    expect(locate('ghcr.io/m/x').endpoints[0]?.baseUrl).toBe('https://ghcr.io');
    expect(locate('ghcr.io/m/x', { insecure: true }).endpoints[0]?.baseUrl).toBe('http://ghcr.io');
  });

  it('sends names without a registry to DEFAULT_REGISTRY', () => {
    expect(locate('smollm2', { defaultRegistry: 'registry.example.com:5000' }).endpoints).toEqual([
      { baseUrl: 'https://registry.example.com:5000', registry: 'registry.example.com:5000', mirror: false },
    ]);
  });

  it('tries mirrors first, and only for the default registry', () => {
    const mirrors = ['mirror.example.com', 'http://10.0.0.5:5000'];
    expect(locate('smollm2', { mirrors }).endpoints.map((endpoint) => [endpoint.baseUrl, endpoint.mirror])).toEqual([
      ['https://mirror.example.com', true],
      ['http://10.0.0.5:5000', true],
      ['https://registry-1.docker.io', false],
    ]);
    expect(locate('ghcr.io/m/x', { mirrors }).endpoints).toHaveLength(1);
  });
});

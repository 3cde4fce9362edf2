import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatModelInfo } from './show-command.js';

describe("show's text, laid out as DMR's formatModelInfo", () => {
  beforeEach(() => {
    vi.stubEnv('TZ', 'UTC');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('prints every field in aligned columns, then the GGUF metadata sorted by key', () => {
    const text = formatModelInfo({
      id: 'sha256:abc123',
      tags: ['ai/gemma3:latest', 'mymodel:v1'],
      created: 1704067200,
      config: { format: 'gguf', architecture: 'llama', parameters: '7B', size: '4.5GB', quantization: 'Q4_K_M', context_size: 4096, gguf: { version: '3', tensor_type: 'F16' } },
    });
    expect(text).toBe(
      [
        'Model:       sha256:abc123',
        'Tags:        ai/gemma3:latest, mymodel:v1',
        'Created:     2024-01-01T00:00:00Z',
        '',
        'Format:       gguf',
        'Architecture: llama',
        'Parameters:   7B',
        'Size:         4.5GB',
        'Quantization: Q4_K_M',
        'Context Size: 4096',
        '',
        'GGUF Metadata:',
        '  tensor_type: F16',
        '  version: 3',
        '',
      ].join('\n'),
    );
  });

  it('leaves out what the model does not have', () => {
    expect(formatModelInfo({ id: 'sha256:bare', created: 0, config: {} })).toBe('Model:       sha256:bare\n\n');
    expect(formatModelInfo({ id: 'sha256:small', created: 0, config: { format: 'gguf', context_size: 0 } })).toBe('Model:       sha256:small\n\nFormat:       gguf\nContext Size: 0\n');
  });
});

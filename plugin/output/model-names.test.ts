import { describe, expect, it } from 'vitest';
import { displayName, modelFilter } from './model-names.js';

describe("model names as DMR's CLI shows and filters them", () => {
  it('drops the default registry, the ai/ organisation and :latest', () => {
    expect(displayName('docker.io/ai/gemma3:latest')).toBe('gemma3');
    expect(displayName('index.docker.io/ai/gemma3:2B-Q4')).toBe('gemma3:2B-Q4');
    expect(displayName('docker.io/myorg/gemma3:latest')).toBe('myorg/gemma3');
    expect(displayName('hf.co/bartowski/model:latest')).toBe('hf.co/bartowski/model');
    expect(displayName('localhost:5000/ai/tiny:latest')).toBe('localhost:5000/ai/tiny');
  });

  it('filters by repository in ai/ unless told otherwise, and by exact tag with a colon', () => {
    expect(modelFilter('gemma3')('docker.io/ai/gemma3:latest')).toBe(true);
    expect(modelFilter('gemma3')('docker.io/ai/gemma3:2B')).toBe(true);
    expect(modelFilter('gemma3:2B')('docker.io/ai/gemma3:latest')).toBe(false);
    expect(modelFilter('gemma3:2B')('docker.io/ai/gemma3:2B')).toBe(true);
    expect(modelFilter('myorg/gemma3')('docker.io/ai/gemma3:latest')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { isRunnerError } from '../shared/errors.js';
import { normalizeTag, parseModelReference, shortRepositoryName } from './model-reference.js';

describe('normalizeTag', () => {
  it.each([
    ['smollm2', 'docker.io/ai/smollm2:latest'],
    ['smollm2:360M-Q4_K_M', 'docker.io/ai/smollm2:360M-Q4_K_M'],
    ['ai/smollm2', 'docker.io/ai/smollm2:latest'],
    ['ai/smollm2:latest', 'docker.io/ai/smollm2:latest'],
    ['docker.io/ai/smollm2:latest', 'docker.io/ai/smollm2:latest'],
    ['index.docker.io/ai/smollm2', 'docker.io/ai/smollm2:latest'],
    ['docker.io/smollm2', 'docker.io/ai/smollm2:latest'],
    ['docker.io/library/smollm2', 'docker.io/ai/smollm2:latest'],
    ['myorg/model', 'docker.io/myorg/model:latest'],
    ['MyOrg/Model:Q4_K_M', 'docker.io/myorg/model:Q4_K_M'],
    ['hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF', 'huggingface.co/bartowski/llama-3.2-1b-instruct-gguf:latest'],
    ['hf.co/org/repo:Q4_K_M', 'huggingface.co/org/repo:Q4_K_M'],
    ['huggingface.co/org/repo:Q8_0', 'huggingface.co/org/repo:Q8_0'],
    ['localhost:5000/team/model:v1', 'localhost:5000/team/model:v1'],
    ['localhost/model', 'localhost/model:latest'],
    ['registry.local/model', 'registry.local/model:latest'],
    ['  smollm2  ', 'docker.io/ai/smollm2:latest'],
    ['smollm2:', 'docker.io/ai/smollm2:latest'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeTag(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['../etc/passwd', 'invalid registry'],
    ['/abs/path', 'name component'],
    ['ai/../x', 'name component'],
    ['ai/x\u0000y', 'name component'],
    ['ai/x y', 'name component'],
    ['ai/x:bad tag', 'invalid tag'],
    ['ai/x:-lead', 'invalid tag'],
    ['ai//x', 'name component'],
    ['ai/x@sha256:abc', 'digest'],
    ['0.080/x', 'invalid registry'],
    ['localhost:99999/x', 'invalid registry'],
    ['a'.repeat(300), 'too long'],
  ])('rejects %j', (input, why) => {
    let error: unknown;
    try {
      normalizeTag(input);
    } catch (caught) {
      error = caught;
    }
    expect(isRunnerError(error, 'invalid_reference')).toBe(true);
    expect((error as Error).message).toContain(why);
  });

  it('escapes control characters of an invalid registry in its message', () => {
    expect(() => normalizeTag('.\t/x')).toThrow('invalid registry ".\\t"');
  });

  it('limits the normalised name, so that every stored tag parses again', () => {
    expect(() => normalizeTag('b'.repeat(250))).toThrow('reference too long');
    const longest = normalizeTag(`${'b'.repeat(242)}:${'t'.repeat(128)}`);
    expect(normalizeTag(longest)).toBe(longest);
  });
});

describe('parseModelReference', () => {
  const hex = 'a'.repeat(64);

  it('reads a full id with and without the sha256 prefix', () => {
    expect(parseModelReference(`sha256:${hex}`)).toEqual({ kind: 'id', id: `sha256:${hex}` });
    expect(parseModelReference(hex)).toEqual({ kind: 'id', id: `sha256:${hex}` });
  });

  it('reads a 12-hex short id', () => {
    expect(parseModelReference('0123456789ab')).toEqual({ kind: 'short-id', prefix: 'sha256:0123456789ab' });
  });

  it('keeps a digest reference', () => {
    const reference = parseModelReference(`ai/smollm2@sha256:${hex}`);
    expect(reference).toEqual({
      kind: 'name',
      name: { registry: 'docker.io', repository: 'ai/smollm2', tag: 'latest', digest: `sha256:${hex}` },
    });
  });
});

describe('shortRepositoryName', () => {
  it('drops registry, namespace and tag', () => {
    expect(shortRepositoryName('docker.io/ai/smollm2:latest')).toBe('smollm2');
    expect(shortRepositoryName('localhost:5000/model')).toBe('model');
  });
});

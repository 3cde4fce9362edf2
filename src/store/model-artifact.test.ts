import { describe, expect, it } from 'vitest';
import { MediaType, parseManifest, parseModelConfigFile } from './model-artifact.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const descriptor = (digit: string) => ({ mediaType: MediaType.gguf, digest: `sha256:${digit.repeat(64)}`, size: 1 });

describe('parseManifest', () => {
  const manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: descriptor('a'), layers: [descriptor('b')] };

  it('keeps string annotations', () => {
    const annotated = { ...manifest, annotations: { 'org.example': 'x' }, layers: [{ ...descriptor('b'), annotations: { name: 'model.gguf' } }] };
    expect(parseManifest(json(annotated))).toEqual(annotated);
  });

  // Found by fuzzing: these were accepted under types that promise strings.
  it.each([
    ['a layer annotation that is not a string', { ...manifest, layers: [{ ...descriptor('b'), annotations: { '': 0 } }] }, 'layer 0 annotations'],
    ['a media type that is not a string', { ...manifest, mediaType: 5 }, 'mediaType'],
    ['annotations that are a list', { ...manifest, annotations: ['x'] }, 'annotations'],
  ])('refuses %s', (_what, value, field) => {
    expect(() => parseManifest(json(value))).toThrow(`invalid model manifest: ${field} has the wrong type`);
  });
});

describe('parseModelConfigFile', () => {
  it('reads DMR config fields of the right types', () => {
    const file = { config: { format: 'gguf', gguf: { 'general.architecture': 'llama' }, context_size: 2048 }, descriptor: { created: '2026-01-02T03:04:05Z' } };
    expect(parseModelConfigFile(json(file))).toEqual(file);
  });

  // Found by fuzzing: a null config was stored, and then listing models on the OpenAI routes failed with a TypeError.
  it.each([
    ['a null config', { config: null }, 'no "config" object'],
    ['a config that is a list', { config: [] }, 'no "config" object'],
    ['a format that is not a string', { config: { format: null } }, 'config.format has the wrong type'],
    ['a context size that is not an integer', { config: { context_size: '4096' } }, 'config.context_size has the wrong type'],
    ['gguf metadata that is not strings', { config: { gguf: { 'llama.block_count': 2 } } }, 'config.gguf has the wrong type'],
    ['a creation time that is not a string', { config: {}, descriptor: { created: 0 } }, 'descriptor has the wrong type'],
  ])('refuses %s', (_what, value, why) => {
    expect(() => parseModelConfigFile(json(value))).toThrow(`invalid model config: ${why}`);
  });

  // Found by fuzzing: a TypeError escaped from the ModelPack adapter.
  it('reads a ModelPack config whose diff ids are not a list', () => {
    const file = parseModelConfigFile(json({ config: { format: 'gguf' }, modelfs: { diffIds: 1e308 } }), MediaType.modelPackConfig);
    expect(file).toEqual({ config: { format: 'gguf' }, rootfs: { type: 'rootfs', diff_ids: [] } });
  });
});

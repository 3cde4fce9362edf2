import { expect, it } from 'vitest';
import { loadedModel } from '../../../test/helpers/loaded-model.js';

/** node-llama-cpp's native sampler, as its own LlamaSampler makes one for every evaluation. */
interface NativeSampler {
  dispose(): void;
}
type SamplerBindings = { AddonSampler: new (model: unknown) => NativeSampler };

// The largest vocabulary among the small presets (30,522 tokens): 358 KiB of candidates a sampler.
const loaded = loadedModel('minilm', 'f16');

const residentMiB = () => process.memoryUsage().rss / 1024 / 1024;

// scripts/patches/node-llama-cpp-sampler-dispose.patch: without it, each sampler kept its
// vocabulary-sized buffer until V8 happened to collect the wrapper, and a worker grew by 70 MiB
// over 500 requests. The loop allocates too little for V8 to collect anything meanwhile.
it('frees a sampler’s vocabulary-sized buffer when the sampler is disposed, not when V8 collects it', () => {
  const bindings = (loaded.llama as unknown as { _bindings: SamplerBindings })._bindings;
  const native = (loaded.model as unknown as { _model: unknown })._model;
  const samplers = 300;
  const before = residentMiB();
  for (let i = 0; i < samplers; i++) new bindings.AddonSampler(native).dispose();
  // Held until collection, the buffers would be 300 × 358 KiB, about 105 MiB.
  expect(residentMiB() - before).toBeLessThan(30);
});

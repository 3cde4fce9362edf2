import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll } from 'vitest';
import type { PresetName } from '../../src/gguf/model-presets.js';
import { generatedModel } from './models.js';

/**
 * node-llama-cpp on one thread (the models are small, and llama.cpp's spinning threads crawl when
 * they outnumber cores) with a generated model, loaded before the calling test file's tests and
 * disposed of after them, after the file's own later hooks. Read `llama` and `model` once loaded.
 */
export function loadedModel(preset: PresetName, type: 'f16' | 'q8_0'): { readonly llama: Llama; readonly model: LlamaModel } {
  let llama: Llama | undefined;
  let model: LlamaModel | undefined;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: await generatedModel(preset, type) });
  });
  afterAll(async () => {
    await model?.dispose();
    await llama?.dispose();
  });
  return {
    get llama() {
      return llama!;
    },
    get model() {
      return model!;
    },
  };
}

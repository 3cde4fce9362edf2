import { CHAT_TEMPLATES } from '../shared/chat-templates.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgmlType } from './ggml-types.js';
import { GgufValueType, type GgufHeader, type GgufMetadataEntry, type GgufTensorInfo } from './gguf-types.js';
import { llamaLayout } from './llama-layout.js';
import { makeModel } from './make-model.js';
import { boolEntry, f32Entry, i32ArrayEntry, stringEntry, u32Entry } from './metadata-entries.js';
import { modelConfigFromGguf } from './model-config.js';
import { MODEL_PRESETS } from './model-presets.js';
import { readGgufHeader } from './read-gguf-header.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function generatedConfig(type: 'f16' | 'q8_0') {
  const out = join(dir, `tiny-${type}.gguf`);
  await makeModel({ preset: 'tiny', type, out });
  return modelConfigFromGguf(await readGgufHeader(out));
}

function syntheticHeader(metadata: GgufMetadataEntry[], tensors: Omit<GgufTensorInfo, 'offset'>[] = []): GgufHeader {
  return {
    version: 3,
    metadata: new Map(metadata.map((entry) => [entry.key, entry.value])),
    metadataTypes: new Map(metadata.map((entry) => [entry.key, entry.type])),
    tensors: tensors.map((tensor) => ({ ...tensor, offset: 0 })),
    alignment: 32,
    dataOffset: 0,
    fileSize: 0,
  };
}

describe('modelConfigFromGguf on generated models', () => {
  it('reports a Q8_0 tiny llama as DMR would', async () => {
    const config = await generatedConfig('q8_0');
    expect(config).toMatchObject({
      format: 'gguf',
      architecture: 'llama',
      parameters: '205.12K',
      quantization: 'Q8_0',
      size: '213.75KiB',
      context_size: 2048,
    });
  });

  it('reports an F16 tiny llama with the same parameters and a larger size', async () => {
    const config = await generatedConfig('f16');
    expect(config).toMatchObject({ parameters: '205.12K', quantization: 'F16', size: '401.25KiB' });
  });

  it('stringifies metadata like Go and leaves out long arrays', async () => {
    const { gguf } = await generatedConfig('q8_0');
    expect(gguf).toMatchObject({
      'general.architecture': 'llama',
      'general.file_type': '7',
      'llama.attention.layer_norm_rms_epsilon': '0.000010',
      'llama.rope.freq_base': '10000.000000',
      'tokenizer.ggml.add_bos_token': 'false',
    });
    expect(gguf).not.toHaveProperty('tokenizer.ggml.tokens');
    expect(gguf).not.toHaveProperty('tokenizer.ggml.merges');
  });
});

describe('modelConfigFromGguf on synthetic headers', () => {
  it('counts the SmolLM2-135M shapes as the 134.52M parameters DMR shows for the real model', () => {
    const { tensors } = llamaLayout(MODEL_PRESETS['smollm2-135m'], 'f16', CHAT_TEMPLATES.chatml);
    const config = modelConfigFromGguf(syntheticHeader([], tensors.map(({ name, dims }) => ({ name, dims, type: GgmlType.F32 }))));
    expect(config.parameters).toBe('134.52M');
  });

  it('joins arrays of up to 50 items with commas, formatting each item by the array type', () => {
    const { gguf } = modelConfigFromGguf(
      syntheticHeader([
        i32ArrayEntry('short', [1, -2, 3]),
        { key: 'floats', type: GgufValueType.ARRAY, value: { type: GgufValueType.FLOAT32, values: [0.5, 2] } },
        i32ArrayEntry('fifty', Array.from({ length: 50 }, (_, i) => i)),
        i32ArrayEntry('fifty-one', Array.from({ length: 51 }, (_, i) => i)),
        boolEntry('flag', true),
        { key: 'big', type: GgufValueType.UINT64, value: 2n ** 64n - 1n },
      ]),
    );
    expect(gguf['short']).toBe('1, -2, 3');
    expect(gguf['floats']).toBe('0.500000, 2.000000');
    expect(gguf['fifty']?.split(', ')).toHaveLength(50);
    expect(gguf).not.toHaveProperty('fifty-one');
    expect(gguf['flag']).toBe('true');
    expect(gguf['big']).toBe('18446744073709551615');
  });

  it('names the quantization after the tensor type holding most bytes when general.file_type is absent', () => {
    const tensors = [
      { name: 'token_embd.weight', dims: [256, 1000], type: 12 /* Q4_K */ },
      { name: 'blk.0.attn_q.weight', dims: [256, 256], type: 14 /* Q6_K */ },
      { name: 'output_norm.weight', dims: [256], type: GgmlType.F32 },
    ];
    expect(modelConfigFromGguf(syntheticHeader([], tensors)).quantization).toBe('Q4_K');
    expect(modelConfigFromGguf(syntheticHeader([u32Entry('general.file_type', 15)], tensors)).quantization).toBe('Q4_K_M');
    expect(modelConfigFromGguf(syntheticHeader([u32Entry('general.file_type', 99)], tensors)).quantization).toBe('Q4_K');
  });

  it("reports the architecture's own context length, and only when it fits a signed 32-bit int", () => {
    const config = (contextLength: GgufMetadataEntry) =>
      modelConfigFromGguf(syntheticHeader([stringEntry('general.architecture', 'qwen2'), contextLength]));
    expect(config(u32Entry('qwen2.context_length', 32768)).context_size).toBe(32768);
    expect(config({ key: 'qwen2.context_length', type: GgufValueType.UINT64, value: 2n ** 31n }).context_size).toBeUndefined();
    expect(config(f32Entry('llama.context_length', 4096))).not.toHaveProperty('context_size');
  });
});

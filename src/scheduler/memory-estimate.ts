/**
 * What a worker will need, from the GGUF metadata the store already has: the weights, the KV cache
 * for every sequence's context, and a fixed allowance for compute buffers and the process itself.
 */
const PROCESS_OVERHEAD_BYTES = 192 * 1024 * 1024;
const KV_BYTES_PER_ELEMENT = 2;

export interface MemoryInputs {
  weightsBytes: number;
  gguf: Readonly<Record<string, string>>;
  contextSize: number;
  sequences: number;
}

function metadataNumber(gguf: Readonly<Record<string, string>>, key: string): number | undefined {
  const value = Number(gguf[key]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export function estimateMemoryBytes({ weightsBytes, gguf, contextSize, sequences }: MemoryInputs): number {
  const arch = gguf['general.architecture'] ?? '';
  const layers = metadataNumber(gguf, `${arch}.block_count`) ?? 0;
  const embedding = metadataNumber(gguf, `${arch}.embedding_length`) ?? 0;
  const heads = metadataNumber(gguf, `${arch}.attention.head_count`) ?? 1;
  const kvHeads = metadataNumber(gguf, `${arch}.attention.head_count_kv`) ?? heads;
  const kvWidth = (embedding / heads) * kvHeads;
  const kvCache = 2 * layers * kvWidth * contextSize * sequences * KV_BYTES_PER_ELEMENT;
  return Math.ceil(weightsBytes + kvCache + PROCESS_OVERHEAD_BYTES);
}

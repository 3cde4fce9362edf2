import { readFile } from 'node:fs/promises';
import { getLlama, LlamaLogLevel, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { RunnerError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { GenerateEvent } from '../proto/generated/modelrunner/engine/v1/GenerateEvent.js';
import type { GenerateRequest__Output } from '../proto/generated/modelrunner/engine/v1/GenerateRequest.js';
import type { LoadReply } from '../proto/generated/modelrunner/engine/v1/LoadReply.js';
import type { LoadRequest__Output } from '../proto/generated/modelrunner/engine/v1/LoadRequest.js';
import { CHAT_TEMPLATES } from '../../shared/chat-templates.js';
import { ChatPrompt } from './chat-prompt.js';
import { copySequenceStateThroughFile } from './copy-sequence-state.js';
import { embedTexts, type Embeddings } from './embed-texts.js';
import { createEmbedder, type Embedder } from './embedder.js';
import { generateText } from './generate-text.js';
import { LockstepDecoder, type DecodeStep } from './lockstep-decoder.js';
import { SequencePool } from './sequence-pool.js';

/** llama-server's documented default when neither the request nor the model sets a context size. */
const DEFAULT_CONTEXT_SIZE = 4096;

function gpuOption(gpu: string): 'auto' | 'cuda' | 'vulkan' | false {
  if (gpu === 'off') return false;
  if (gpu === 'cuda' || gpu === 'vulkan') return gpu;
  return 'auto';
}

function llamaLogger(log: Logger): (level: LlamaLogLevel, message: string) => void {
  return (level, message) => {
    const text = message.trimEnd();
    if (!text) return;
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) log.error(text);
    else if (level === LlamaLogLevel.warn) log.warn(text);
    else log.debug(text);
  };
}

/**
 * How many threads a decode step gets. Prompts and several streams make a step long enough to want
 * every core. A lone stream's step is short, and how its threads wait for each other decides:
 * ggml's own thread pool (node-llama-cpp's prebuilt binaries) spins at every barrier, so on two
 * cores shared with this worker's and the runner's per-token work a thread spins while its peer is
 * descheduled (one thread gave 103 tok/s where two gave 67); OpenMP's barrier (a build from source,
 * scripts/build-llama-addon.sh) spins briefly and then sleeps, and there two threads beat one
 * (104 against 82 tok/s end to end).
 */
function threadsFor(step: DecodeStep, threads: number, spinningBarrier: boolean): number {
  return spinningBarrier && step.sequences <= 1 && !step.prefilling ? Math.max(1, threads - 1) : threads;
}

/** Whether this llama.cpp's threads wait at a barrier by spinning only, as ggml's own pool does. */
function spinsAtBarriers(llama: Llama): boolean {
  return !llama.systemInfo.includes('OPENMP = 1');
}

type ModeResources =
  | { mode: 'completion'; context: LlamaContext; pool: SequencePool; decoder: LockstepDecoder; chatPrompt: ChatPrompt }
  | { mode: 'embedding'; embedder: Embedder };

/**
 * node-llama-cpp with its backend: on Linux it first tests its prebuilt binary in a child process,
 * about 0.4 s, so a worker starts it as soon as it starts, before any model is asked for.
 */
export function startLlama(gpu: string, log: Logger): Promise<Llama> {
  return getLlama({ gpu: gpuOption(gpu), build: 'never', logLevel: LlamaLogLevel.warn, logger: llamaLogger(log) });
}

/** One model in one mode, loaded with node-llama-cpp. The only place that knows llama.cpp. */
export class LlamaEngine {
  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly resources: ModeResources,
    readonly info: LoadReply,
  ) {}

  /** `llama` is node-llama-cpp, started when the worker started (startLlama). */
  static async load(request: LoadRequest__Output, llama: Llama): Promise<LlamaEngine> {
    const model = await llama.loadModel({ modelPath: request.modelPath, ...(llama.gpu === false ? { gpuLayers: 0 } : {}) });
    const contextSize = request.contextSize || Math.min(model.trainContextSize, DEFAULT_CONTEXT_SIZE);
    // node-llama-cpp's default (at least 4 threads) spin-waits on small machines; one per math core is right.
    const threads = request.threads || llama.cpuMathCores;
    let resources: ModeResources;
    if (request.mode === 'MODE_EMBEDDING') {
      resources = { mode: 'embedding', embedder: await createEmbedder(model, { contextSize, threads }) };
    } else {
      const sequences = Math.max(1, request.parallel);
      llama.maxThreads = threads;
      const context = await model.createContext({ contextSize, sequences, threads: { ideal: threads, min: 1 } });
      const template = request.chatTemplatePath
        ? await readFile(request.chatTemplatePath, 'utf8')
        : (model.fileInfo.metadata.tokenizer?.chat_template ?? CHAT_TEMPLATES.chatml);
      const chatPrompt = new ChatPrompt(model, template);
      const spinning = spinsAtBarriers(llama);
      const decoder = new LockstepDecoder((step) => (llama.maxThreads = threadsFor(step, threads, spinning)));
      resources = { mode: 'completion', context, pool: new SequencePool(context, copySequenceStateThroughFile()), decoder, chatPrompt };
    }
    const info: LoadReply = {
      contextSize,
      embeddingLength: model.embeddingVectorSize,
      gpu: llama.gpu === false ? 'cpu' : llama.gpu,
      parallel: resources.mode === 'completion' ? resources.context.totalSequences : 1,
    };
    return new LlamaEngine(llama, model, resources, info);
  }

  get activeSequences(): number {
    return this.resources.mode === 'completion' ? this.resources.pool.active : 0;
  }

  tokenize(text: string): number[] {
    return this.model.tokenize(text, true);
  }

  generate(request: GenerateRequest__Output, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
    const { resources } = this;
    if (resources.mode !== 'completion') throw new RunnerError('invalid_request', 'this model is loaded for embeddings, not completions');
    const { llama, model, info } = this;
    const { pool, decoder, chatPrompt } = resources;
    return generateText({ llama, model, pool, decoder, chatPrompt, contextSize: info.contextSize ?? 0 }, request, signal);
  }

  async embed(inputs: readonly string[]): Promise<Embeddings> {
    if (this.resources.mode !== 'embedding') throw new RunnerError('invalid_request', 'this model is loaded for completions, not embeddings');
    return embedTexts(this.model, this.resources.embedder, this.info.contextSize ?? 0, inputs);
  }

  async close(): Promise<void> {
    await (this.resources.mode === 'embedding' ? this.resources.embedder : this.resources.context).dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}

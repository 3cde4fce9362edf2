import type { GenerateRequest } from './proto/generated/modelrunner/engine/v1/GenerateRequest.js';
import type { LoadReply__Output } from './proto/generated/modelrunner/engine/v1/LoadReply.js';
import type { ToolCall__Output } from './proto/generated/modelrunner/engine/v1/ToolCall.js';

/** The engine types the scheduler and server see; how a worker runs stays behind them. */
export type EngineMode = 'completion' | 'embedding';

export type GpuSetting = 'auto' | 'cuda' | 'vulkan' | 'off';

export interface EngineLoadOptions {
  /** Names the model in logs and errors. */
  name: string;
  modelPath: string;
  mode: EngineMode;
  contextSize: number;
  parallel: number;
  gpu: GpuSetting;
  threads: number;
  chatTemplatePath: string | undefined;
}

export type GenerationRequest = GenerateRequest;

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export type ToolCall = ToolCall__Output;

export interface TokenProbability {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface TokenLogprob {
  sampled: TokenProbability;
  top: TokenProbability[];
}

/** What a generation streams: text, complete tool calls in order, token probabilities (when asked) just before the text they add, then one finish. */
export type GenerationEvent =
  | { delta: string }
  | { toolCall: ToolCall }
  | { logprob: TokenLogprob }
  | { finish: { reason: FinishReason; promptTokens: number; completionTokens: number; /** The stop string that ended it, if one did. */ stopSequence?: string } };

export interface EmbeddingResult {
  vectors: number[][];
  promptTokens: number;
}

export type EngineInfo = LoadReply__Output;

export interface Engine {
  readonly info: EngineInfo;
  readonly pid: number | undefined;
  /** Settles when the worker process ends, for whatever reason. */
  readonly exited: Promise<void>;
  generate(request: GenerationRequest, signal: AbortSignal): AsyncIterable<GenerationEvent>;
  embed(inputs: readonly string[], signal: AbortSignal): Promise<EmbeddingResult>;
  tokenize(text: string): Promise<number[]>;
  close(): Promise<void>;
}

export type EngineFactory = (options: EngineLoadOptions) => Promise<Engine>;

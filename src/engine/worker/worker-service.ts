import type { ServerDuplexStream, ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import { once } from 'node:events';
import { RunnerError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { toFailure, toServiceError } from '../grpc-errors.js';
import type { EmbedRequest__Output } from '../proto/generated/modelrunner/engine/v1/EmbedRequest.js';
import type { EmbedResult } from '../proto/generated/modelrunner/engine/v1/EmbedResult.js';
import type { EngineHandlers } from '../proto/generated/modelrunner/engine/v1/Engine.js';
import type { GenerateEvent } from '../proto/generated/modelrunner/engine/v1/GenerateEvent.js';
import type { GenerateRequest__Output } from '../proto/generated/modelrunner/engine/v1/GenerateRequest.js';
import type { Llama } from 'node-llama-cpp';
import { LlamaEngine } from './llama-engine.js';

function unary<Req, Res>(work: (request: Req) => Promise<Res> | Res) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    Promise.resolve()
      .then(() => work(call.request))
      .then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(toServiceError(error)),
      );
  };
}

async function streamGeneration(engine: LlamaEngine, call: ServerWritableStream<GenerateRequest__Output, GenerateEvent>): Promise<void> {
  const abort = new AbortController();
  call.on('cancelled', () => abort.abort());
  if (call.cancelled) abort.abort();
  try {
    for await (const event of engine.generate(call.request, abort.signal)) {
      if (abort.signal.aborted) return;
      // A client that stops reading and then cancels must not leave us waiting for a drain forever.
      if (!call.write(event)) await once(call, 'drain', { signal: abort.signal });
    }
    call.end();
  } catch (error) {
    if (!abort.signal.aborted) call.emit('error', toServiceError(error));
  }
}

/** Answers one request on the runner's open Embed call, failed or not, unless the runner cancelled the call. */
async function answerEmbedding(loaded: () => LlamaEngine, request: EmbedRequest__Output, call: ServerDuplexStream<EmbedRequest__Output, EmbedResult>): Promise<void> {
  let result: EmbedResult;
  try {
    const { vectors, promptTokens } = await loaded().embed(request.inputs);
    result = { id: request.id, reply: { embeddings: vectors.map((values) => ({ values })), promptTokens } };
  } catch (error) {
    result = { id: request.id, failure: toFailure(error) };
  }
  if (!call.cancelled) call.write(result);
}

/** The worker's gRPC handlers over one LlamaEngine, loaded by the first Load call. */
/** `llama` is node-llama-cpp as the worker started it; a Load waits for it. */
export function workerService(log: Logger, llama: Promise<Llama>, onLoaded: (engine: LlamaEngine) => void): EngineHandlers {
  let engine: LlamaEngine | undefined;
  const loaded = (): LlamaEngine => {
    if (!engine) throw new RunnerError('unavailable', 'the model is not loaded yet');
    return engine;
  };
  return {
    Load: unary(async (request) => {
      if (engine) throw new RunnerError('conflict', 'this worker has already loaded its model');
      engine = await LlamaEngine.load(request, await llama);
      onLoaded(engine);
      log.info({ ...engine.info, build: engine.llama.buildType }, 'model loaded');
      return engine.info;
    }),
    Health: unary(() => ({ ready: engine !== undefined, activeSequences: engine?.activeSequences ?? 0 })),
    Tokenize: unary((request) => ({ tokens: loaded().tokenize(request.text) })),
    Generate: (call) => {
      Promise.resolve()
        .then(() => streamGeneration(loaded(), call))
        .catch((error: unknown) => call.emit('error', toServiceError(error)));
    },
    Embed: (call) => {
      call.on('data', (request: EmbedRequest__Output) => void answerEmbedding(loaded, request, call));
    },
  };
}

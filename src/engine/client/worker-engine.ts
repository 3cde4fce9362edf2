import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { onAbort } from '../../shared/abort.js';
import { RunnerError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Engine, EngineInfo, EngineLoadOptions, EngineMode, EmbeddingResult, FinishReason, GenerationEvent, GenerationRequest, GpuSetting, TokenProbability } from '../engine.js';
import type { GenerateEvent__Output } from '../proto/generated/modelrunner/engine/v1/GenerateEvent.js';
import type { TokenProbability__Output } from '../proto/generated/modelrunner/engine/v1/TokenProbability.js';
import { fromServiceError } from '../grpc-errors.js';
import type { EngineClient } from '../proto/generated/modelrunner/engine/v1/Engine.js';
import { ENGINE_CHANNEL_OPTIONS, loadEngineProto } from '../proto/load-engine-proto.js';
import { EmbedSession } from './embed-session.js';
import { relayWorkerLogs, stderrTail } from './worker-output.js';

const WORKER_ENTRY = fileURLToPath(new URL('../worker/worker-main.js', import.meta.url));
const LOAD_TIMEOUT_MS = 5 * 60_000;
const STOP_GRACE_MS = 5_000;

export interface WorkerEngineDeps {
  /** Directory for the workers' sockets; kept short, Unix socket paths are limited to 107 bytes. */
  socketDir: string;
  log: Logger;
  logLevel: string;
}

let nextWorker = 0;

/** Ready means the gRPC socket accepts connections; log lines are not a signal (their level varies). */
function waitForListening(client: EngineClient, exited: Promise<void>, exitError: () => RunnerError | undefined): Promise<void> {
  const ready = new Promise<void>((resolve, reject) =>
    client.waitForReady(Date.now() + LOAD_TIMEOUT_MS, (error) => (error ? reject(new RunnerError('internal', error.message)) : resolve())),
  );
  return Promise.race([ready, exited.then(() => Promise.reject(exitError()))]);
}

function crashError(name: string, code: number | null, signal: string | null, tail: string): RunnerError {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return new RunnerError('internal', `the engine for model ${name} ${how}${tail ? `: ${tail}` : ''}`);
}

/** A worker process listening on its socket, with node-llama-cpp starting, and no model yet. */
export interface StartedWorker {
  readonly gpu: GpuSetting;
  readonly child: ChildProcess;
  readonly client: EngineClient;
  /** Settles when the process has exited and its socket is removed. */
  readonly exited: Promise<void>;
  /** Names the model it serves in its logs and its crash message, from the Load on. */
  serve(name: string, mode: EngineMode): void;
  /** Why it exited, once it has. */
  exitError(): RunnerError | undefined;
}

/** Starts a worker process and waits until its gRPC socket listens. */
export async function spawnWorker(deps: WorkerEngineDeps, gpu: GpuSetting): Promise<StartedWorker> {
  await mkdir(deps.socketDir, { recursive: true, mode: 0o700 });
  const socket = join(deps.socketDir, `engine-${process.pid}-${nextWorker++}.sock`);
  // A process that had our pid before us and was killed can have left this very path behind, and
  // gRPC does not bind over an existing file.
  await rm(socket, { force: true });
  let log = deps.log;
  let name = 'not yet chosen';
  // One libuv pool thread: a larger pool runs sampling beside a decode and its threads spin in
  // ggml's barrier; measured at twice the single-stream throughput on two cores.
  const child = spawn(process.execPath, [WORKER_ENTRY, '--socket', socket, '--log-level', deps.logLevel, '--gpu', gpu], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
  });
  const tail = stderrTail(child.stderr!, () => log);
  relayWorkerLogs(child.stdout!, () => log);
  const exited = once(child, 'exit').then(() => rm(socket, { force: true }));
  let exitError: RunnerError | undefined;
  child.once('exit', (code, signal) => {
    exitError = crashError(name, code, signal, tail());
    log.info({ code, signal }, 'engine worker exited');
  });
  const proto = loadEngineProto();
  const client = new proto.Engine(`unix:${socket}`, credentials.createInsecure(), ENGINE_CHANNEL_OPTIONS) as unknown as EngineClient;
  try {
    await waitForListening(client, exited, () => exitError);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return {
    gpu,
    child,
    client,
    exited,
    serve(model, mode) {
      name = model;
      log = deps.log.child({ model, mode });
    },
    exitError: () => exitError,
  };
}

/** Loads one model in one mode in a started worker; the worker is killed if that fails. */
export async function loadInWorker(worker: StartedWorker, options: EngineLoadOptions): Promise<Engine> {
  worker.serve(options.name, options.mode);
  const { client, child, exited } = worker;
  try {
    const failure = (error: ServiceError) => explainFailure(error, options.name, exited, worker.exitError);
    const info = await callUnary<EngineInfo>(failure, (done) =>
      client.load(
        {
          modelPath: options.modelPath,
          mode: options.mode === 'embedding' ? 'MODE_EMBEDDING' : 'MODE_COMPLETION',
          contextSize: options.contextSize,
          parallel: options.parallel,
          gpu: options.gpu,
          threads: options.threads,
          chatTemplatePath: options.chatTemplatePath ?? '',
        },
        { deadline: Date.now() + LOAD_TIMEOUT_MS },
        done,
      ),
    );
    return new WorkerEngine(child, client, info, exited, failure, new EmbedSession({ open: () => client.embed(), failure, model: options.name }));
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

/** Starts a worker process for one model and mode and loads the model in it. */
export async function startWorkerEngine(options: EngineLoadOptions, deps: WorkerEngineDeps): Promise<Engine> {
  return loadInWorker(await spawnWorker(deps, options.gpu), options);
}

/**
 * A failed call is blamed on the crash when the worker died, so the client hears why. The socket
 * closes a moment before the exit is seen, hence the short wait.
 */
async function explainFailure(error: ServiceError, name: string, exited: Promise<void>, exitError: () => RunnerError | undefined): Promise<RunnerError> {
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 200))]);
  return exitError() ?? fromServiceError(error, name);
}

/** A unary call whose failure is explained, as every call to a worker's failure must be. */
function callUnary<T>(
  failure: (error: ServiceError) => Promise<RunnerError>,
  start: (done: (error: ServiceError | null, value?: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) =>
    start((error, value) => (error ? void failure(error).then(reject) : resolve(value as T))),
  );
}

function finishReason(reason: string): FinishReason {
  return reason === 'stop' || reason === 'tool_calls' ? reason : 'length';
}

function tokenProbability(probability: TokenProbability__Output | null): TokenProbability {
  return { token: probability?.token ?? '', logprob: probability?.logprob ?? 0, bytes: [...(probability?.bytes ?? [])] };
}

function generationEvent(event: GenerateEvent__Output): GenerationEvent {
  switch (event.event) {
    case 'finish': {
      const { reason, promptTokens, completionTokens, stopSequence } = event.finish!;
      return { finish: { reason: finishReason(reason), promptTokens, completionTokens, ...(stopSequence ? { stopSequence } : {}) } };
    }
    case 'toolCall':
      return { toolCall: event.toolCall! };
    case 'logprob':
      return { logprob: { sampled: tokenProbability(event.logprob!.sampled), top: event.logprob!.top.map(tokenProbability) } };
    default:
      return { delta: event.delta ?? '' };
  }
}

class WorkerEngine implements Engine {
  constructor(
    readonly child: ChildProcess,
    readonly client: EngineClient,
    readonly info: EngineInfo,
    readonly exited: Promise<void>,
    readonly failure: (error: ServiceError) => Promise<RunnerError>,
    readonly embeddings: EmbedSession,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  async *generate(request: GenerationRequest, signal: AbortSignal): AsyncIterable<GenerationEvent> {
    const call = this.client.generate(request);
    const stopWatching = onAbort(signal, () => call.cancel());
    try {
      for await (const event of call) yield generationEvent(event as GenerateEvent__Output);
    } catch (error) {
      if (signal.aborted) return;
      throw await this.failure(error as ServiceError);
    } finally {
      stopWatching();
      call.cancel();
    }
  }

  async embed(inputs: readonly string[], signal: AbortSignal): Promise<EmbeddingResult> {
    const reply = await this.embeddings.embed(inputs, signal);
    return { vectors: reply.embeddings.map((embedding) => embedding.values), promptTokens: reply.promptTokens };
  }

  async tokenize(text: string): Promise<number[]> {
    const reply = await callUnary<{ tokens: number[] }>(this.failure, (done) => this.client.tokenize({ text }, done));
    return reply.tokens;
  }

  async close(): Promise<void> {
    this.embeddings.close();
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin?.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

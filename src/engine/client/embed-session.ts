import { Metadata, status, type ClientDuplexStream, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { onAbort } from '../../shared/abort.js';
import type { RunnerError } from '../../shared/errors.js';
import { cancelledError, fromFailure } from '../grpc-errors.js';
import type { EmbedReply__Output } from '../proto/generated/modelrunner/engine/v1/EmbedReply.js';
import type { EmbedRequest } from '../proto/generated/modelrunner/engine/v1/EmbedRequest.js';
import type { EmbedResult__Output } from '../proto/generated/modelrunner/engine/v1/EmbedResult.js';

type EmbedCall = ClientDuplexStream<EmbedRequest, EmbedResult__Output>;

interface Waiting {
  resolve(reply: EmbedReply__Output): void;
  reject(error: RunnerError): void;
}

/** One open Embed call and the requests sent on it that await their result. */
interface OpenCall {
  call: EmbedCall;
  waiting: Map<number, Waiting>;
}

export interface EmbedSessionDeps {
  /** Opens the worker's Embed call. */
  open(): EmbedCall;
  /** Why the call failed: the worker's crash when it died. */
  failure(error: ServiceError): Promise<RunnerError>;
  /** The model, named in a cancelled request's error. */
  model: string;
}

/**
 * Embedding requests to one worker, each a message on one Embed call kept open: a one-input request
 * spends a quarter of its time outside the model, and a gRPC call opened for each cost it about 1 ms
 * more (README, "Where ours is short"). A failed call fails the requests sent on it; the next
 * request opens a new one.
 */
export class EmbedSession {
  #open: OpenCall | undefined;
  #lastId = 0;

  constructor(private readonly deps: EmbedSessionDeps) {}

  embed(inputs: readonly string[], signal: AbortSignal): Promise<EmbedReply__Output> {
    if (signal.aborted) return Promise.reject(cancelledError(this.deps.model));
    const open = this.#open ?? this.#start();
    // Ids only need to differ among the requests in flight on one call.
    const id = (this.#lastId = (this.#lastId + 1) >>> 0);
    return new Promise((resolve, reject) => {
      let stopWatching = (): void => undefined;
      const release = () => {
        stopWatching();
        open.waiting.delete(id);
      };
      const waiting: Waiting = {
        resolve: (reply) => {
          release();
          resolve(reply);
        },
        reject: (error) => {
          release();
          reject(error);
        },
      };
      open.waiting.set(id, waiting);
      open.call.write({ id, inputs: [...inputs] });
      // The worker still finishes the request; its result then finds no one waiting and is dropped.
      stopWatching = onAbort(signal, () => waiting.reject(cancelledError(this.deps.model)));
    });
  }

  /** Ends the open call, failing any request still waiting on it. */
  close(): void {
    this.#open?.call.cancel();
    this.#open = undefined;
  }

  #start(): OpenCall {
    const open: OpenCall = { call: this.deps.open(), waiting: new Map() };
    open.call.on('data', (result: EmbedResult__Output) => {
      const waiting = open.waiting.get(result.id);
      if (result.failure) waiting?.reject(fromFailure(result.failure));
      else waiting?.resolve(result.reply!);
    });
    open.call.on('error', (error: ServiceError) => void this.#fail(open, error));
    // A call that ends with OK and requests unanswered has no 'error' event to fail them.
    open.call.on('status', ({ code }: StatusObject) => {
      if (code === status.OK) void this.#fail(open, Object.assign(new Error('the worker ended the embedding call'), { code: status.UNAVAILABLE, details: 'the worker ended the embedding call', metadata: new Metadata() }));
    });
    this.#open = open;
    return open;
  }

  async #fail(open: OpenCall, error: ServiceError): Promise<void> {
    if (this.#open === open) this.#open = undefined;
    if (open.waiting.size === 0) return;
    const reason = await this.deps.failure(error);
    for (const waiting of open.waiting.values()) waiting.reject(reason);
  }
}

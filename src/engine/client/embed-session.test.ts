import { EventEmitter } from 'node:events';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../shared/errors.js';
import type { EmbedRequest } from '../proto/generated/modelrunner/engine/v1/EmbedRequest.js';
import { EmbedSession, type EmbedSessionDeps } from './embed-session.js';

/** An Embed call as grpc-js's client gives it, emitting what the test says the worker did. */
class FakeCall extends EventEmitter {
  readonly written: EmbedRequest[] = [];
  cancelled = false;

  write(request: EmbedRequest): boolean {
    this.written.push(request);
    return true;
  }

  cancel(): void {
    this.cancelled = true;
    this.end(status.CANCELLED, 'Cancelled on client');
  }

  answer(id: number, vectors: number[][]): void {
    this.emit('data', { id, outcome: 'reply', reply: { embeddings: vectors.map((values) => ({ values })), promptTokens: vectors.length } });
  }

  /** As grpc-js ends a call: 'error' first when the status is not OK, then 'status'. */
  end(code: status, details: string): void {
    const metadata = new Metadata();
    if (code !== status.OK) this.emit('error', Object.assign(new Error(details), { code, details, metadata }));
    this.emit('status', { code, details, metadata });
  }
}

function session(): { embeddings: EmbedSession; calls: FakeCall[]; failures: ServiceError[] } {
  const calls: FakeCall[] = [];
  const failures: ServiceError[] = [];
  const deps: EmbedSessionDeps = {
    open: () => {
      calls.push(new FakeCall());
      return calls.at(-1) as unknown as ReturnType<EmbedSessionDeps['open']>;
    },
    failure: async (error) => {
      failures.push(error);
      return new RunnerError('internal', `the engine serving model ai/embed failed: ${error.details}`);
    },
    model: 'ai/embed',
  };
  return { embeddings: new EmbedSession(deps), calls, failures };
}

const signal = new AbortController().signal;

describe('EmbedSession', () => {
  it('sends every request on one open call and gives each the answer with its id, in whatever order they come', async () => {
    const { embeddings, calls } = session();
    const first = embeddings.embed(['a'], signal);
    const second = embeddings.embed(['b', 'c'], signal);
    expect(calls).toHaveLength(1);
    const [a, bc] = calls[0]!.written;
    expect([a!.inputs, bc!.inputs]).toEqual([['a'], ['b', 'c']]);
    calls[0]!.answer(bc!.id!, [[2], [3]]);
    calls[0]!.answer(a!.id!, [[1]]);
    expect((await first).embeddings).toEqual([{ values: [1] }]);
    expect((await second).embeddings).toEqual([{ values: [2] }, { values: [3] }]);
  });

  it("fails a request with the worker's own error for it and leaves the others waiting", async () => {
    const { embeddings, calls } = session();
    const tooLong = embeddings.embed(['long'], signal);
    const fine = embeddings.embed(['short'], signal);
    const [long, short] = calls[0]!.written;
    calls[0]!.emit('data', { id: long!.id, outcome: 'failure', failure: { code: 'context_length_exceeded', message: 'input 0 has too many tokens', param: 'input' } });
    await expect(tooLong).rejects.toMatchObject({ code: 'context_length_exceeded', message: 'input 0 has too many tokens', param: 'input' });
    calls[0]!.answer(short!.id!, [[1]]);
    expect((await fine).embeddings).toEqual([{ values: [1] }]);
  });

  it('fails the requests waiting on a call that fails with its explained failure, and opens a new call for the next', async () => {
    const { embeddings, calls, failures } = session();
    const waiting = [embeddings.embed(['a'], signal), embeddings.embed(['b'], signal)];
    calls[0]!.end(status.UNAVAILABLE, 'Connection dropped');
    for (const request of waiting) await expect(request).rejects.toMatchObject({ code: 'internal', message: 'the engine serving model ai/embed failed: Connection dropped' });
    expect(failures).toHaveLength(1);
    const next = embeddings.embed(['c'], signal);
    expect(calls).toHaveLength(2);
    calls[1]!.answer(calls[1]!.written[0]!.id!, [[3]]);
    expect((await next).embeddings).toEqual([{ values: [3] }]);
  });

  it('fails the requests left unanswered when the worker ends the call with OK', async () => {
    const { embeddings, calls } = session();
    const unanswered = embeddings.embed(['a'], signal);
    calls[0]!.end(status.OK, 'OK');
    await expect(unanswered).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('the worker ended the embedding call') });
  });

  it('fails an aborted request at once as cancelled, drops its late answer and answers the next', async () => {
    const { embeddings, calls } = session();
    const departed = new AbortController();
    const abandoned = embeddings.embed(['a'], departed.signal);
    departed.abort();
    await expect(abandoned).rejects.toMatchObject({ code: 'unavailable', message: 'request for model ai/embed was cancelled' });
    const next = embeddings.embed(['b'], signal);
    calls[0]!.answer(calls[0]!.written[0]!.id!, [[1]]);
    calls[0]!.answer(calls[0]!.written[1]!.id!, [[2]]);
    expect((await next).embeddings).toEqual([{ values: [2] }]);
    expect(calls).toHaveLength(1);
  });

  it('opens no call for a request whose client has already gone', async () => {
    const { embeddings, calls } = session();
    await expect(embeddings.embed(['a'], AbortSignal.abort())).rejects.toMatchObject({ code: 'unavailable' });
    expect(calls).toHaveLength(0);
  });

  it('cancels its call on close and fails what waits on it', async () => {
    const { embeddings, calls } = session();
    const waiting = embeddings.embed(['a'], signal);
    embeddings.close();
    expect(calls[0]!.cancelled).toBe(true);
    await expect(waiting).rejects.toMatchObject({ code: 'internal' });
  });
});

import type { Engine } from '../engine/engine.js';
import type { Lease } from '../scheduler/scheduler-types.js';
import { onAbort } from '../shared/abort.js';
import { once } from '../shared/once.js';
import { watchedStream } from './observed-response.js';
import { isStreamed } from './stream-body.js';

/**
 * Serves one request on a leased engine. This is the one place a lease's lifetime is tied to its
 * response: the lease is released exactly once, when the response body has been sent, fails or is
 * cancelled, when building the response throws, or when the client leaves, whichever comes first.
 * The client leaving is watched through `onAbort`, which also fires for a signal that aborted
 * before we got here. A complete body (not `isStreamed`) is in memory already: the engine is done
 * with it, so the lease goes at once.
 */
export async function leasedResponse(lease: Lease, signal: AbortSignal, respond: (engine: Engine) => Promise<Response>): Promise<Response> {
  const release = once(() => lease.release());
  const stopWatching = onAbort(signal, release);
  const end = () => {
    stopWatching();
    release();
  };
  let response: Response;
  try {
    response = await respond(lease.engine);
  } catch (error) {
    end();
    throw error;
  }
  if (!isStreamed(response)) {
    end();
    return response;
  }
  return watchedStream(response, end);
}

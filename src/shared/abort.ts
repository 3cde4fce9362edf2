/**
 * The signal's reason as an Error. node-server aborts a departed client's request with a string,
 * and a thrown string bypasses Hono's error handler.
 */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(String(reason ?? 'This operation was aborted'), 'AbortError');
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal);
}

/**
 * Runs `action` when the signal aborts, or at once when it already has: a listener added to an
 * aborted signal never fires, and a request whose client left before we looked would otherwise
 * keep what it holds for good. Returns a function that stops watching.
 */
export function onAbort(signal: AbortSignal, action: () => void): () => void {
  if (signal.aborted) {
    action();
    return () => undefined;
  }
  signal.addEventListener('abort', action, { once: true });
  return () => signal.removeEventListener('abort', action);
}

/** Waits for `promise`, or rejects as soon as the signal aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const stop = onAbort(signal, () => reject(abortError(signal)));
    promise.then(resolve, reject).finally(stop);
  });
}

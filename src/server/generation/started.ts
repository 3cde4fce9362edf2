/**
 * Waits for a stream's first item before an answer is committed, so that a failure before any
 * output (a prompt over the context, a schema the grammar refuses, a registry that has no such
 * model) gets its status and the API's error body instead of a 200 stream with an error inside.
 */
export async function started<T>(items: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  return (async function* () {
    try {
      if (first.done) return;
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  })();
}

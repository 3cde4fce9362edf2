import { describe, expect, it } from 'vitest';
import { isRunnerError } from '../../src/shared/errors.js';
import { readProgress } from './progress-stream.js';

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const progress = { type: 'progress', message: 'Downloaded: 1.00 MB', total: 10, layer: { id: 'sha256:ab', size: 10, current: 1 }, mode: 'pull' };
const success = { type: 'success', message: 'Model pulled successfully', total: 0, layer: { size: 0, current: 0 }, mode: 'pull' };

describe('reading a progress stream', () => {
  it('yields each JSON line, whatever the chunk boundaries, even inside a multi-byte character', async () => {
    const warning = { ...success, type: 'warning', message: 'café' };
    const text = `${JSON.stringify(progress)}\n\n${JSON.stringify(warning)}\n${JSON.stringify(success)}`;
    const bytes = Buffer.from(text);
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    expect(await collect(readProgress(chunks(bytes.subarray(0, 7), bytes.subarray(7, cut), bytes.subarray(cut))))).toEqual([progress, warning, success]);
  });

  it('skips lines that are not progress messages when real ones come too', async () => {
    expect(await collect(readProgress(chunks('garbage\n', `${JSON.stringify(success)}\n`, 'trailing text\n')))).toEqual([success]);
  });

  it("quotes a body with no progress in it, such as a proxy's error page, cut at 4096 bytes", async () => {
    await expect(collect(readProgress(chunks('<html>\n<body>Bad gateway</body>\n')))).rejects.toThrow('unexpected response from server (not valid progress data): <html>\n<body>Bad gateway</body>');
    const error = await collect(readProgress(chunks(`${'x'.repeat(5000)}\n`))).catch((caught: unknown) => caught as Error);
    expect((error as Error).message).toMatch(/: x{4096}\n\.\.\.\[truncated\]$/);
  });

  it('turns a body cut off mid-stream into a transient error naming why', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${JSON.stringify(progress)}\n`);
      throw new TypeError('terminated', { cause: new Error('other side closed') });
    }
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const message of readProgress(broken())) seen.push(message);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual([progress]);
    expect(isRunnerError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).toBe('the progress stream from the runner broke off (other side closed)');
  });

  it('lets an abort through as it is', async () => {
    async function* aborted(): AsyncGenerator<Uint8Array> {
      yield* [];
      throw new DOMException('This operation was aborted', 'AbortError');
    }
    await expect(collect(readProgress(aborted()))).rejects.toMatchObject({ name: 'AbortError' });
  });
});

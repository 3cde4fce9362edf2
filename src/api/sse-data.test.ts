import { describe, expect, it } from 'vitest';
import { sseData } from './sse-data.js';
import { textLines } from '../shared/text-lines.js';

async function* bytes(...chunks: string[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield Buffer.from(chunk);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('server-sent events as the chat stream arrives', () => {
  it('splits lines across chunks and multi-byte characters, with \\r\\n or \\n, keeping a last unterminated line', async () => {
    const euro = Buffer.from('€');
    async function* split(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('one\r');
      yield Buffer.concat([Buffer.from('\ntw'), euro.subarray(0, 1)]);
      yield Buffer.concat([euro.subarray(1), Buffer.from('o\n\nlast')]);
    }
    expect(await collect(textLines(split()))).toEqual(['one', 'tw€o', '', 'last']);
  });

  it('yields each event data, joining data lines, skipping comments and other fields, and stops at [DONE]', async () => {
    const stream = bytes(': keep-alive\n\n', 'event: message\nid: 1\ndata: {"a":1}\n\n', 'data:first\ndata: second\n\n', 'data: [DONE]\n\n', 'data: after\n\n');
    expect(await collect(sseData(textLines(stream), () => undefined))).toEqual(['{"a":1}', 'first\nsecond']);
  });

  it('hands plain-text lines before the first event to onText, as DMR shows backend installs', async () => {
    const progress: string[] = [];
    const stream = bytes('Installing vllm backend...\n', 'vllm backend installed successfully\n', 'data: {}\n\n', 'stray after start\n\n');
    expect(await collect(sseData(textLines(stream), (line) => progress.push(line)))).toEqual(['{}']);
    expect(progress).toEqual(['Installing vllm backend...', 'vllm backend installed successfully']);
  });

  it('yields a last event the stream ended without a blank line after', async () => {
    expect(await collect(sseData(textLines(bytes('data: {"end":true}')), () => undefined))).toEqual(['{"end":true}']);
  });
});

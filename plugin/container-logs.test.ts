import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { copyContainerLogs, type LogSink, type LogSource } from './container-logs.js';

/** One frame of Docker's multiplexed log stream: stream type, three zero bytes, big-endian length, payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function sink(): LogSink & { text(): string } {
  const chunks: Buffer[] = [];
  return { write: (chunk: Buffer) => chunks.push(Buffer.from(chunk)), text: () => Buffer.concat(chunks).toString() };
}

/** dockerode's own demultiplexer, never a call to a daemon. */
const modem = new Docker({ socketPath: '/nonexistent.sock' }).modem as LogSource['modem'];

function container(logs: Buffer | PassThrough): LogSource {
  return { modem, logs: (async () => logs) as LogSource['logs'] };
}

describe('copying a container’s logs', () => {
  it('sends each stream of the multiplexed log to its own sink', async () => {
    const [out, err] = [sink(), sink()];
    const logs = Buffer.concat([frame(1, 'listening\n'), frame(2, 'warning\n'), frame(1, 'ready\n')]);
    await copyContainerLogs(container(logs), out, err, { follow: false });
    expect(out.text()).toBe('listening\nready\n');
    expect(err.text()).toBe('warning\n');
  });

  it('follows the log as it grows until interrupted, then returns', async () => {
    const [out, err] = [sink(), sink()];
    const live = new PassThrough();
    const interrupt = new AbortController();
    const copying = copyContainerLogs(container(live), out, err, { follow: true, signal: interrupt.signal });
    const whole = frame(1, 'first\n');
    live.write(whole.subarray(0, 5));
    live.write(whole.subarray(5));
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.text()).toBe('first\n');
    interrupt.abort();
    await copying;
    expect(live.destroyed).toBe(true);
  });

  it('drops the lines it is told to, even when a line spans frames', async () => {
    const [out, err] = [sink(), sink()];
    const engine = '{"level":30,"component":"engine","msg":"loaded"}\n';
    const logs = Buffer.concat([frame(2, `{"level":30,"component":"server","msg":"up"}\n${engine.slice(0, 20)}`), frame(2, `${engine.slice(20)}tail`)]);
    await copyContainerLogs(container(logs), out, err, { follow: false, keep: (line) => !line.includes('"component":"engine"') });
    expect(err.text()).toBe('{"level":30,"component":"server","msg":"up"}\ntail');
    expect(out.text()).toBe('');
  });
});

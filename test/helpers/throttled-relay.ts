import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ThrottledRelay {
  host: string;
  /** The pace of what the target sends back; may be changed while the relay runs. */
  bytesPerSecond: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const SLICE_BYTES = 8 * 1024;

/** Sends `queue`'s bytes to `to` at the relay's pace, ending it once `from` has ended and all is sent. */
async function deliver(from: Socket, to: Socket, pace: { bytesPerSecond: number }): Promise<void> {
  const queue: Buffer[] = [];
  let ended = false;
  from.on('data', (chunk: Buffer) => queue.push(chunk));
  from.once('end', () => (ended = true));
  while (!to.destroyed && !(ended && queue.length === 0)) {
    const chunk = queue.shift();
    if (!chunk) {
      await sleep(5);
      continue;
    }
    if (chunk.length > SLICE_BYTES) queue.unshift(chunk.subarray(SLICE_BYTES));
    const part = chunk.subarray(0, SLICE_BYTES);
    await sleep((part.length / pace.bytesPerSecond) * 1000);
    to.write(part);
  }
  to.end();
}

/**
 * A TCP relay to `targetUrl` (e.g. a counting proxy in front of a registry) that passes requests
 * at once and answers at `bytesPerSecond`, so downloads through it last long enough to overlap.
 */
export async function startThrottledRelay(targetUrl: string, bytesPerSecond: number): Promise<ThrottledRelay> {
  const target = new URL(targetUrl);
  const pace = { bytesPerSecond };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.once('error', () => (socket === client ? upstream : client).destroy());
    }
    client.pipe(upstream);
    void deliver(upstream, client, pace);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get bytesPerSecond() {
      return pace.bytesPerSecond;
    },
    set bytesPerSecond(value: number) {
      pace.bytesPerSecond = value;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

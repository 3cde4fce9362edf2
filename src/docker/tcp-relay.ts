import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export interface Upstream {
  host: string;
  port: number;
}

export interface TcpRelay {
  close(): Promise<void>;
}

function dial(upstream: Upstream): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(upstream.port, upstream.host);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Relays every TCP connection on `port` to the upstream `resolve` names. The upstream is looked up
 * again when dialling it fails, because a restarted container comes back at another address.
 */
export async function startTcpRelay(port: number, resolve: () => Promise<Upstream>): Promise<TcpRelay> {
  let upstream: Promise<Upstream> | undefined;
  const sockets = new Set<Socket>();

  async function dialUpstream(): Promise<Socket> {
    upstream ??= resolve();
    try {
      return await dial(await upstream);
    } catch {
      upstream = resolve();
      return dial(await upstream);
    }
  }

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    dialUpstream().then(
      (target) => {
        if (client.destroyed) return void target.destroy();
        sockets.add(target);
        target.once('close', () => {
          sockets.delete(target);
          client.destroy();
        });
        target.on('error', () => target.destroy());
        client.once('close', () => target.destroy());
        client.pipe(target);
        target.pipe(client);
        client.resume();
      },
      () => {
        upstream = undefined;
        client.destroy();
      },
    );
  });
  server.listen(port, '0.0.0.0');
  await once(server, 'listening');
  return {
    async close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

import { createServer, type AddressInfo } from 'node:net';

/** A port that was free on `host` a moment ago: nothing listens there (0.0.0.0: on every address). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

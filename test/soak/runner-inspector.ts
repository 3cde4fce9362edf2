/**
 * The V8 inspectors of the runner and its workers, reached over loopback, to collect garbage
 * before a memory sample: a sample then shows what each process retains, not how long ago V8 last
 * collected (a heap swings by a quarter between major collections under this load).
 */
export interface RunnerInspectors {
  collectGarbage(): Promise<void>;
  close(): void;
}

/** What `--inspect=127.0.0.1:0` prints on stderr, which the runner's logs keep (its workers' too). */
const LISTENING = /Debugger listening on (ws:\/\/[\w.:/-]+)/;

/** A JSON-RPC peer on one inspector; an inspector that went away answers nothing and is dropped. */
async function connect(url: string): Promise<WebSocket | undefined> {
  const socket = new WebSocket(url);
  const opened = await new Promise<boolean>((resolve) => {
    socket.onopen = () => resolve(true);
    socket.onerror = () => resolve(false);
  });
  return opened ? socket : undefined;
}

function call(socket: WebSocket, id: number, method: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.removeEventListener('message', answered);
      socket.removeEventListener('close', done);
      resolve();
    };
    const answered = (event: MessageEvent) => {
      if ((JSON.parse(String(event.data)) as { id?: number }).id === id) done();
    };
    const timer = setTimeout(done, 5_000);
    socket.addEventListener('message', answered);
    socket.addEventListener('close', done);
    socket.send(JSON.stringify({ id, method }));
  });
}

/** Processes started with `NODE_OPTIONS=--inspect=127.0.0.1:0`; ones that start later are found as they log. */
export function runnerInspectors(logs: readonly string[]): RunnerInspectors {
  const sockets = new Map<string, WebSocket | undefined>();
  let nextId = 1;
  return {
    async collectGarbage() {
      for (const line of logs) {
        const url = LISTENING.exec(line)?.[1];
        if (url && !sockets.has(url)) sockets.set(url, await connect(url));
      }
      const open = [...sockets.values()].filter((socket) => socket?.readyState === WebSocket.OPEN) as WebSocket[];
      await Promise.all(open.map((socket) => call(socket, nextId++, 'HeapProfiler.collectGarbage')));
    },
    close() {
      for (const socket of sockets.values()) socket?.close();
    },
  };
}

/**
 * The embedding floor's engine, and (run as `node socket-engine.js SOCKET MODEL`) that engine in its
 * own process behind a plain Unix socket: one JSON line per request and one per answer, with an id.
 * The floor compares it with our worker behind gRPC, to part the price of a second process from
 * that of gRPC. A failed request's line carries `error` instead of `vectors`.
 */
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LlamaEngine, startLlama } from '../src/engine/worker/llama-engine.js';
import { createLogger } from '../src/shared/logger.js';

export const FLOOR_THREADS = 2;

/** The minilm model for embeddings, loaded as a worker loads it. */
export async function loadFloorEngine(modelPath: string): Promise<LlamaEngine> {
  const log = createLogger('error');
  return LlamaEngine.load({ modelPath, mode: 'MODE_EMBEDDING', contextSize: 512, parallel: 1, gpu: 'off', threads: FLOOR_THREADS, chatTemplatePath: '' }, await startLlama('off', log));
}

async function serve(socketPath: string, modelPath: string): Promise<void> {
  const engine = await loadFloorEngine(modelPath);
  const server = createServer((socket) => {
    createInterface({ input: socket }).on('line', (line) => {
      const { id, inputs } = JSON.parse(line) as { id: number; inputs: string[] };
      void engine.embed(inputs).then(
        ({ vectors }) => socket.write(`${JSON.stringify({ id, vectors })}\n`),
        (error: Error) => socket.write(`${JSON.stringify({ id, error: error.message })}\n`),
      );
    });
  });
  server.listen(socketPath, () => process.send!('listening'));
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serve(process.argv[2]!, process.argv[3]!);

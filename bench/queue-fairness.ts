#!/usr/bin/env node
/**
 * `node dist/bench/queue-fairness.js [--clients 16,32] [--parallel 8]`: whether clients beyond the
 * runner's slots are served first come, first served. Clients arrive 2 ms apart and ask for
 * different lengths, so slots free up one at a time; for each client it prints when it arrived,
 * when its first token came and its rank in first-token order. Fair means the ranks follow arrival
 * order and no wait is much longer than the queue ahead of it explains.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageInfo } from '../src/shared/package-root.js';
import { benchModel } from './bench-model.js';
import { startOurServer } from './bench-servers.js';
import { streamOnce } from './openai-load.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '16,32' },
    parallel: { type: 'string', default: '8' },
    'gap-ms': { type: 'string', default: '2' },
  },
});
const parallel = Number(values.parallel);
const gapMs = Number(values['gap-ms']);

interface ClientTimes {
  client: number;
  arrivedMs: number;
  firstTokenMs: number;
}

async function wave(baseUrl: string, clients: number): Promise<ClientTimes[]> {
  const started = performance.now();
  return Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      await new Promise((resolve) => setTimeout(resolve, client * gapMs));
      const arrivedMs = performance.now() - started;
      const tokens = 24 + ((client * 5) % 17);
      const { ttftMs } = await streamOnce({ baseUrl, model: 'bench/tiny', prompt: `client ${client}`, tokens }, client);
      return { client, arrivedMs, firstTokenMs: arrivedMs + ttftMs };
    }),
  );
}

/**
 * Pairs where the later arrival got its first token more than a millisecond sooner; the first
 * `parallel` arrivals start together, so pairs among them do not count.
 */
function inversions(times: readonly ClientTimes[]): number {
  let count = 0;
  for (const [i, earlier] of times.entries()) {
    for (const later of times.slice(Math.max(i + 1, parallel))) if (later.firstTokenMs < earlier.firstTokenMs - 1) count++;
  }
  return count;
}

const server = await startOurServer({
  entry: join(packageInfo().root, 'dist', 'src', 'main.js'),
  threads: 2,
  parallel,
  models: { 'bench/tiny:latest': { ggufPath: await benchModel('q8_0', 'tiny'), contextSize: 256 } },
});
try {
  const waves = values.clients.split(',').map(Number);
  // Opens as many kept-alive connections as the largest wave needs, so no client waits for a connect.
  await wave(server.baseUrl, Math.max(...waves));
  for (const clients of waves) {
    const times = await wave(server.baseUrl, clients);
    const ranks = new Map([...times].sort((a, b) => a.firstTokenMs - b.firstTokenMs).map((entry, rank) => [entry.client, rank]));
    process.stdout.write(`\n${clients} clients, ${parallel} slots: ${inversions(times)} inversions of arrival order\n\n`);
    process.stdout.write('| client | arrived ms | first token ms | wait ms | first-token rank |\n| ---: | ---: | ---: | ---: | ---: |\n');
    for (const entry of times) {
      const wait = entry.firstTokenMs - entry.arrivedMs;
      process.stdout.write(`| ${entry.client} | ${entry.arrivedMs.toFixed(1)} | ${entry.firstTokenMs.toFixed(1)} | ${wait.toFixed(1)} | ${ranks.get(entry.client)} |\n`);
    }
  }
} finally {
  await server.stop();
}

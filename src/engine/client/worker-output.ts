import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from '../../shared/logger.js';

const levels: Record<number, 'debug' | 'info' | 'warn' | 'error'> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'error' };

/** Relays the worker's JSON log lines into the runner's logger: `log` names the model once the worker has one. */
export function relayWorkerLogs(stdout: Readable, log: () => Logger): void {
  createInterface({ input: stdout }).on('line', (line) => {
    let entry: { level?: number; msg?: string; time?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      log().info(line);
      return;
    }
    const { level = 30, msg = '', time: _time, ...fields } = entry;
    log()[levels[level] ?? 'info'](fields, msg);
  });
}

/** Keeps the end of the worker's stderr: llama.cpp's last words when it aborts. */
export function stderrTail(stderr: Readable, log: () => Logger, limit = 2048): () => string {
  let tail = '';
  createInterface({ input: stderr }).on('line', (line) => {
    log().warn({ stream: 'stderr' }, line);
    tail = (tail + line + '\n').slice(-limit);
  });
  return () => tail.trim();
}

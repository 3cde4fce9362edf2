import type { RunningRunner } from './runner-process.js';

export async function fetchMetrics(runner: RunningRunner): Promise<string> {
  return (await fetch(`${runner.url}/metrics`)).text();
}

/** The value of the sample `name` whose labels include `labels` (in any order); undefined when there is none. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

/** Waits until the runner reports `count` clients following `stream` (`requests` or `logs`). */
export async function openStreams(runner: RunningRunner, stream: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = metricValue(await fetchMetrics(runner), 'model_runner_open_streams', { stream });
    if (value === count) return;
    if (Date.now() > deadline) throw new Error(`${stream} streams stayed at ${value}, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

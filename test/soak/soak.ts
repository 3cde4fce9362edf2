#!/usr/bin/env node
/**
 * `npm run soak`: the real runner under a mixed load for a set time (loopback only), then the
 * checks that it is still healthy: every slot free, idle unload, only the answers the rules allow,
 * flat memory, no error-level log line, and a graceful shutdown while streams are in flight.
 */
import { parseArgs } from 'node:util';
import { generatedModel } from '../helpers/models.js';
import { enginePs, postJson, runnerWithTinyModels } from '../helpers/packaged-runner.js';
import { residentMiB } from '../helpers/process-memory.js';
import { npmRun } from '../helpers/run-command.js';
import { errorLogLines, type RunningRunner } from '../helpers/runner-process.js';
import { isAlive, workerPids } from '../helpers/worker-processes.js';
import { runnerInspectors, type RunnerInspectors } from './runner-inspector.js';
import { nextRequest, seededRandom, type Outcome, type SoakTarget } from './soak-clients.js';
import { percentile } from '../../bench/openai-load.js';
import { memoryDrift, type MemorySample } from './soak-stats.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    clients: { type: 'string', default: '6' },
    seed: { type: 'string', default: '1' },
  },
});
const durationMs = Number(values.duration) * 1000;
const warmupMs = Math.min(60_000, durationMs / 2);
const PARALLEL = 2;
const MAX_QUEUE = 6;
const KEEP_ALIVE_S = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const problems: string[] = [];
const check = (ok: boolean, problem: string) => ok || problems.push(problem);

async function sampleMemory(runner: RunningRunner, inspectors: RunnerInspectors, at: number): Promise<MemorySample> {
  await inspectors.collectGarbage();
  const workers = await workerPids(runner.process.pid!);
  return { at, runnerMiB: residentMiB(runner.process.pid!), workersMiB: workers.reduce((sum, pid) => sum + residentMiB(pid), 0) };
}

async function soak(runner: RunningRunner, target: SoakTarget): Promise<{ outcomes: Outcome[]; memory: MemorySample[] }> {
  const outcomes: Outcome[] = [];
  const memory: MemorySample[] = [];
  // Memory is measured from the end of a warm-up under the same load, once V8 has sized its heap.
  const measuredFrom = Date.now() + warmupMs;
  const deadline = measuredFrom + durationMs;
  const inspectors = runnerInspectors(runner.logs);
  const sampler = setInterval(() => void sampleMemory(runner, inspectors, Date.now() - measuredFrom).then((sample) => memory.push(sample)), 5_000);
  const client = async (seed: number) => {
    const random = seededRandom(seed);
    while (Date.now() < deadline) {
      outcomes.push(...(await nextRequest(target, random)));
      await sleep(random() * 200);
    }
  };
  await Promise.all(Array.from({ length: Number(values.clients) }, (_, i) => client(Number(values.seed) * 1000 + i)));
  clearInterval(sampler);
  inspectors.close();
  return { outcomes, memory };
}

async function slotsAndIdleUnload(runner: RunningRunner): Promise<void> {
  await sleep(500);
  const busy = (await enginePs(runner)).filter((row) => row.in_use);
  check(busy.length === 0, `slots still in use after every client finished: ${JSON.stringify(busy)}`);
  let rows = await enginePs(runner);
  for (let waited = 0; rows.length > 0 && waited < (KEEP_ALIVE_S + 10) * 1000; waited += 500) {
    await sleep(500);
    rows = await enginePs(runner);
  }
  check(rows.length === 0, `idle models not unloaded after their ${KEEP_ALIVE_S} s keep-alive: ${JSON.stringify(rows)}`);
}

/** SIGTERM with streams in flight: they finish, a new request gets 503, and no worker outlives the runner. */
async function shutdownUnderLoad(runner: RunningRunner, target: SoakTarget): Promise<void> {
  const streams = await Promise.all(
    target.chatModels.flatMap((model) => [0, 1].map(() => postJson(runner, '/engines/v1/chat/completions', { model, messages: [{ role: 'user', content: 'go on' }], max_tokens: 400, ignore_eos: true, stream: true }))),
  );
  const readers = streams.map((response) => response.body!.getReader());
  await Promise.all(readers.map((reader) => reader.read()));
  const workers = await workerPids(runner.process.pid!);
  const exited = runner.stop();
  await sleep(100);
  const refused = await postJson(runner, '/engines/v1/chat/completions', { model: target.chatModels[0], messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
  check(refused?.status === 503, `a request during shutdown answered ${refused?.status ?? 'nothing'}, not 503`);
  for (const reader of readers) {
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += Buffer.from(chunk.value).toString();
    check(text.trimEnd().endsWith('data: [DONE]') && !text.includes('"error"'), 'a stream in flight at SIGTERM did not finish');
  }
  check((await exited) === 0, 'the runner did not exit 0 after SIGTERM');
  check(workers.filter(isAlive).length === 0, 'engine workers outlived the runner');
}

function report(outcomes: Outcome[], memory: MemorySample[], errorLines: string[]): void {
  const byStatus = new Map<string, number>();
  for (const outcome of outcomes) byStatus.set(`${outcome.kind} ${outcome.status}`, (byStatus.get(`${outcome.kind} ${outcome.status}`) ?? 0) + 1);
  const served = outcomes.filter((outcome) => outcome.status === 200 && outcome.kind !== 'impatient');
  const lines = [
    `soak: ${values.duration} s after a ${warmupMs / 1000} s warm-up, ${values.clients} clients, seed ${values.seed}`,
    `requests: ${outcomes.length} (${served.length} served in full)`,
    ...[...byStatus].sort().map(([key, count]) => `  ${key}: ${count}`),
    `latency of served requests: p50 ${percentile(served.map((o) => o.ms), 0.5).toFixed(0)} ms, p99 ${percentile(served.map((o) => o.ms), 0.99).toFixed(0)} ms`,
  ];
  const drift = memoryDrift(memory, durationMs);
  lines.push(
    `runner RSS: ${drift.runner.first.toFixed(0)} MiB in the first window, ${drift.runner.last.toFixed(0)} MiB in the last (${(drift.runner.change * 100).toFixed(1)} %)`,
    `workers RSS: ${drift.workers.first.toFixed(0)} MiB in the first window, ${drift.workers.last.toFixed(0)} MiB in the last (${(drift.workers.change * 100).toFixed(1)} %)`,
    `error-level log lines: ${errorLines.length}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.env.SOAK_DEBUG) process.stdout.write(memory.map((m) => `${(m.at / 1000).toFixed(0)} ${m.runnerMiB.toFixed(0)} ${m.workersMiB.toFixed(0)}`).join('\n') + '\n');
  for (const outcome of outcomes) if (outcome.problem) problems.push(`${outcome.kind}: ${outcome.problem}`);
  check(Math.abs(drift.runner.change) <= 0.1, 'runner memory moved more than 10 %');
  check(Math.abs(drift.workers.change) <= 0.1, 'worker memory moved more than 10 %');
  check(errorLines.length === 0, `error-level log lines:\n${errorLines.slice(0, 5).join('\n')}`);
}

async function main(): Promise<void> {
  const runner = await runnerWithTinyModels({
    env: {
      NODE_OPTIONS: '--inspect=127.0.0.1:0',
      MODEL_RUNNER_MAX_MODELS: '3',
      MODEL_RUNNER_PARALLEL: String(PARALLEL),
      MODEL_RUNNER_MAX_QUEUE: String(MAX_QUEUE),
      MODEL_RUNNER_KEEP_ALIVE: `${KEEP_ALIVE_S}s`,
      MODEL_RUNNER_THREADS: '1',
    },
  });
  try {
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0', 2), '--context-size', '512', 'ai/tiny-b'], { MODEL_RUNNER_HOST: runner.url });
    const target: SoakTarget = { url: runner.url, chatModels: ['ai/tiny', 'ai/tiny-b'], embeddingModel: 'ai/tiny-embed', capacity: PARALLEL + MAX_QUEUE };
    for (const model of target.chatModels) await postJson(runner, '/engines/v1/chat/completions', { model, messages: [] }, { headers: { 'x-preload-only': 'true' } });
    await postJson(runner, '/engines/v1/embeddings', { model: target.embeddingModel, input: 'warm' }, { headers: { 'x-preload-only': 'true' } });
    const { outcomes, memory } = await soak(runner, target);
    await slotsAndIdleUnload(runner);
    await shutdownUnderLoad(runner, target);
    report(outcomes, memory, errorLogLines(runner));
  } finally {
    await runner[Symbol.asyncDispose]();
  }
  if (problems.length > 0) {
    process.stderr.write(`soak failed:\n${[...new Set(problems)].map((problem) => `- ${problem}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('soak passed\n');
}

await main();

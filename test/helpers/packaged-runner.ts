import { generatedModel } from './models.js';
import { npmRun } from './run-command.js';
import type { RunnerStatus } from '../../src/scheduler/scheduler-types.js';
import { startRunner, type RunningRunner, type StartOptions } from './runner-process.js';

/** A runner with the tiny chat model as `ai/tiny` and the tiny embedding model as `ai/tiny-embed`. */
export async function runnerWithTinyModels(options: StartOptions = {}): Promise<RunningRunner> {
  const runner = await startRunner(options);
  const host = { MODEL_RUNNER_HOST: runner.url };
  await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--context-size', '512', 'ai/tiny'], host);
  await npmRun('package', ['--gguf', await generatedModel('tiny-embed', 'q8_0'), 'ai/tiny-embed'], host);
  return runner;
}

export async function postJson(runner: RunningRunner, path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${runner.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    body: JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/** The runner's `GET /engines/ps`: which workers run, loading or in use. */
export async function enginePs(runner: RunningRunner): Promise<RunnerStatus[]> {
  return (await (await fetch(`${runner.url}/engines/ps`)).json()) as RunnerStatus[];
}

/** The status of an answer read to its end: what the runner does once a body is sent (its record, its metrics) is done by then. */
export async function statusOf(response: Promise<Response>): Promise<number> {
  const answer = await response;
  await answer.text();
  return answer.status;
}

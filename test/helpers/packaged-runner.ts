import type { ChatTemplateName } from '../../src/shared/chat-templates.js';
import { generatedModel } from './models.js';
import { npmRun } from './run-command.js';
import type { RunnerStatus } from '../../src/scheduler/scheduler-types.js';
import { startRunner, type RunningRunner, type StartOptions } from './runner-process.js';

/** Packages the tiny chat model into a runner under `name`, with a context and one of the generator's chat templates. */
export async function packageTiny(runner: RunningRunner, name: string, contextSize: number, chatTemplate: ChatTemplateName = 'chatml'): Promise<void> {
  await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0', 1, chatTemplate), '--context-size', String(contextSize), name], { MODEL_RUNNER_HOST: runner.url });
}

/** `ai/tiny-tools`: the tiny model with Qwen 2.5's template, which reads tools (Hermes-style calls), for tool-calling tests. */
export function packageToolModel(runner: RunningRunner): Promise<void> {
  return packageTiny(runner, 'ai/tiny-tools', 2048, 'hermes');
}

/** A runner with the tiny chat model as `ai/tiny` and the tiny embedding model as `ai/tiny-embed`. */
export async function runnerWithTinyModels(options: StartOptions = {}): Promise<RunningRunner> {
  const runner = await startRunner(options);
  await packageTiny(runner, 'ai/tiny', 512);
  await npmRun('package', ['--gguf', await generatedModel('tiny-embed', 'q8_0'), 'ai/tiny-embed'], { MODEL_RUNNER_HOST: runner.url });
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

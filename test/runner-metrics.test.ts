import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchMetrics, metricValue } from './helpers/metrics-text.js';
import { postJson, runnerWithTinyModels, statusOf } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

/** Prometheus's own linter; it reads the exposition on stdin and says nothing when it is clean. */
function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
    child.stdin!.end(text);
  });
}

describe('GET /metrics against a runner process', () => {
  let runner: RunningRunner;
  const chat = { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 };
  const completion = { backend: 'llama.cpp', model: 'ai/tiny', mode: 'completion' };
  const embedding = { backend: 'llama.cpp', model: 'ai/tiny-embed', mode: 'embedding' };

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
  });

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
  });

  it('serves the Prometheus text format, which promtool accepts, and refuses other methods with 405', async () => {
    const response = await fetch(`${runner.url}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await promtoolCheck(await response.text())).toEqual({ code: 0, output: '' });
    const post = await fetch(`${runner.url}/metrics`, { method: 'POST' });
    expect([post.status, await post.text()]).toEqual([405, 'Method Not Allowed\n']);
  });

  it('counts requests, tokens, time to first token and duration per model and mode once a chat and an embedding are answered', async () => {
    const before = await fetchMetrics(runner);
    expect(metricValue(before, 'model_runner_requests_total', completion)).toBeUndefined();
    const answer = (await (await postJson(runner, '/engines/v1/chat/completions', chat)).json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const embedded = (await (await postJson(runner, '/v1/embeddings', { model: 'ai/tiny-embed', input: ['one', 'two'] })).json()) as { usage: { prompt_tokens: number } };
    expect(await statusOf(postJson(runner, '/engines/v1/chat/completions', { ...chat, temperature: 9 }))).toBe(400);
    const after = await fetchMetrics(runner);
    expect(await promtoolCheck(after)).toEqual({ code: 0, output: '' });
    expect(metricValue(after, 'model_runner_requests_total', { ...completion, status: '200' })).toBe(1);
    expect(metricValue(after, 'model_runner_requests_total', { ...completion, status: '400' })).toBe(1);
    expect(metricValue(after, 'model_runner_requests_total', { ...embedding, status: '200' })).toBe(1);
    expect(metricValue(after, 'model_runner_prompt_tokens_total', completion)).toBe(answer.usage.prompt_tokens);
    expect(metricValue(after, 'model_runner_completion_tokens_total', completion)).toBe(answer.usage.completion_tokens);
    expect(metricValue(after, 'model_runner_prompt_tokens_total', embedding)).toBe(embedded.usage.prompt_tokens);
    expect(embedded.usage.prompt_tokens).toBeGreaterThan(0);
    expect(metricValue(after, 'model_runner_time_to_first_token_seconds_count', completion)).toBe(1);
    expect(metricValue(after, 'model_runner_time_to_first_token_seconds_sum', completion)).toBeGreaterThan(0);
    expect(metricValue(after, 'model_runner_time_to_first_token_seconds_count', embedding)).toBeUndefined();
    expect(metricValue(after, 'model_runner_request_duration_seconds_count', completion)).toBe(2);
    expect(metricValue(after, 'model_runner_request_duration_seconds_count', embedding)).toBe(1);
    expect(metricValue(after, 'model_runner_request_duration_seconds_bucket', { ...embedding, le: '+Inf' })).toBe(1);
  });

  it('times HTTP requests by route pattern, never by the raw path', async () => {
    for (const path of ['/models/ai/tiny', '/exp/vDD4.40/models/ai/tiny-embed', '/no/such/page']) await (await fetch(`${runner.url}${path}`)).text();
    const text = await fetchMetrics(runner);
    expect(metricValue(text, 'model_runner_http_request_duration_seconds_count', { method: 'GET', route: '/models/:rest{.+}', status: '200' })).toBe(1);
    expect(metricValue(text, 'model_runner_http_request_duration_seconds_count', { method: 'GET', route: '/exp/vDD4.40/models/:rest{.+}', status: '200' })).toBe(1);
    expect(metricValue(text, 'model_runner_http_request_duration_seconds_count', { method: 'POST', route: '/engines/:backend/v1/chat/completions' })).toBeUndefined();
    expect(metricValue(text, 'model_runner_http_request_duration_seconds_count', { method: 'POST', route: '/engines/v1/chat/completions', status: '200' })).toBe(1);
    expect(metricValue(text, 'model_runner_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toMatch(/route="[^"]*(ai\/tiny|no\/such)/);
  });

  it('leaves /metrics out with DISABLE_METRICS', async () => {
    await using quiet = await startRunner({ env: { DISABLE_METRICS: 'true' } });
    expect((await fetch(`${quiet.url}/metrics`)).status).toBe(404);
  });
});

describe('pull and push metrics against a real registry', () => {
  let registry: RunningRegistry;
  let source: RunningRunner;
  let target: RunningRunner;

  beforeAll(async () => {
    [registry, source, target] = await Promise.all([startRegistry(), runnerWithTinyModels(), startRunner()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([source?.[Symbol.asyncDispose](), target?.[Symbol.asyncDispose](), registry?.stop()]);
  });

  const transfer = async (runner: RunningRunner, path: string, body: object) => {
    const response = await postJson(runner, path, body, { headers: { accept: 'application/json' } });
    return response.ok ? ((await progressLines(response)).at(-1) as { type: string }).type : response.status;
  };

  it('counts the bytes pushes and pulls move, and the ones that fail, per model', async () => {
    const name = `${registry.host}/metrics/tiny:v1`;
    const query = new URLSearchParams({ repo: `${registry.host}/metrics/tiny`, tag: 'v1' });
    expect((await fetch(`${source.url}/models/ai/tiny/tag?${query}`, { method: 'POST' })).status).toBe(201);
    expect(await transfer(source, `/models/${name}/push`, {})).toBe('success');
    expect(await transfer(target, '/models/create', { from: name })).toBe('success');
    expect(await transfer(target, '/models/create', { from: `${registry.host}/metrics/missing:v1` })).toBe(404);
    expect(await transfer(source, '/models/ai/nope/push', {})).toBe(404);
    const [pushed, pulled] = await Promise.all([fetchMetrics(source), fetchMetrics(target)]);
    const bytes = metricValue(pushed, 'model_runner_push_bytes_total', { model: name });
    expect(bytes).toBeGreaterThan(1000);
    expect(metricValue(pulled, 'model_runner_pull_bytes_total', { model: name })).toBe(bytes);
    expect(metricValue(pulled, 'model_runner_pull_failures_total', { model: `${registry.host}/metrics/missing:v1` })).toBe(1);
    expect(metricValue(pulled, 'model_runner_pull_failures_total', { model: name })).toBeUndefined();
    expect(metricValue(pushed, 'model_runner_push_failures_total', { model: 'ai/nope' })).toBe(1);
    expect(await promtoolCheck(pushed)).toEqual({ code: 0, output: '' });
    // A second pull finds every blob stored: nothing travels, nothing is counted.
    expect(await transfer(target, '/models/create', { from: name })).toBe('success');
    expect(metricValue(await fetchMetrics(target), 'model_runner_pull_bytes_total', { model: name })).toBe(bytes);
  });
});

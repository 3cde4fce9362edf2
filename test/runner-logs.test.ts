import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textLines } from '../src/shared/text-lines.js';
import { openStreams } from './helpers/metrics-text.js';
import { postJson, runnerWithTinyModels, statusOf } from './helpers/packaged-runner.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

const STAMPED = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9})Z\] \{/;
const isEngineLine = (line: string) => line.includes('"component":"engine"');

describe('GET /logs against a runner process', () => {
  let runner: RunningRunner;
  const logs = async (query = '') => {
    const response = await fetch(`${runner.url}/logs${query}`);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
    // A chat starts the model's engine worker, whose lines go to the engine log.
    expect(await statusOf(postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }))).toBe(200);
  });

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
  });

  it('merges the service and engine logs, every line bracket-timestamped, in time order', async () => {
    const { status, type, text } = await logs();
    expect([status, type]).toEqual([200, 'text/plain']);
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(STAMPED);
    const times = lines.map((line) => STAMPED.exec(line)![1]!);
    expect(times).toEqual([...times].sort());
    expect(lines.some((line) => line.includes('"msg":"runner listening"'))).toBe(true);
    expect(lines.some(isEngineLine)).toBe(true);
    // The same lines as stderr had, in the same words.
    expect(lines.map((line) => line.replace(STAMPED, '{'))).toEqual(expect.arrayContaining(runner.logs.filter((line) => line.includes('"msg":"starting engine"'))));
  });

  it('leaves the engine lines out with no-engines=true, and refuses a flag that is not a boolean with 400', async () => {
    const { text } = await logs('?no-engines=true&follow=0');
    expect(text).toContain('"msg":"runner listening"');
    expect(text.split('\n').filter(isEngineLine)).toEqual([]);
    expect(await logs('?follow=maybe')).toEqual({ status: 400, type: 'text/plain; charset=utf-8', text: 'invalid follow parameter: "maybe" is not a valid boolean\n' });
    expect((await logs('?no-engines=yes')).status).toBe(400);
  });

  it('follows: a line logged later arrives, and a client that leaves frees its tail', async () => {
    const stop = new AbortController();
    const response = await fetch(`${runner.url}/logs?follow=true`, { signal: stop.signal });
    const lines = textLines(response.body!);
    await openStreams(runner, 'logs', 1);
    // _configure with a flag this engine does not know logs a warning, now.
    expect((await postJson(runner, '/engines/_configure', { model: 'ai/tiny-embed', 'runtime-flags': ['--followed-flag'] })).status).toBe(202);
    for (;;) {
      const { value, done } = await lines.next();
      expect(done).toBeFalsy();
      if (value!.includes('--followed-flag')) {
        expect(value).toMatch(STAMPED);
        expect(value).toContain('runtime flags ignored by this engine');
        break;
      }
    }
    stop.abort();
    await openStreams(runner, 'logs', 0);
  });
});

it('answers 501 when the runner keeps no log directory, or cannot make the one it is given', async () => {
  await using none = await startRunner({ env: { MODEL_RUNNER_LOG_DIR: '' } });
  await using unusable = await startRunner({ env: { MODEL_RUNNER_LOG_DIR: '/dev/null/logs' } });
  for (const runner of [none, unusable]) {
    const response = await fetch(`${runner.url}/logs`);
    expect([response.status, await response.text()]).toEqual([501, 'logs API not available: log directory not configured\n']);
  }
  expect(unusable.logs.some((line) => line.includes('cannot write logs to /dev/null/logs, /logs is off'))).toBe(true);
});

it('ends the streams clients follow when the runner stops, rather than holding its shutdown', async () => {
  const runner = await startRunner();
  try {
    const followed = await Promise.all([fetch(`${runner.url}/logs?follow=true`), fetch(`${runner.url}/engines/requests`, { headers: { accept: 'text/event-stream' } })]);
    await openStreams(runner, 'logs', 1);
    await openStreams(runner, 'requests', 1);
    const started = Date.now();
    const bodies = followed.map((response) => response.text());
    expect(await runner.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [logs, requests] = await Promise.all(bodies);
    expect(logs).toContain('"msg":"shutting down"');
    expect(requests).toBe('event: connected\ndata: {"status": "connected"}\n\n');
  } finally {
    await runner[Symbol.asyncDispose]();
  }
});

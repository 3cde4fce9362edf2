import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRecords } from '../src/server/observability/request-records.js';
import { dockerModel, pluginConfigDir } from './helpers/docker-model.js';
import { openStreams } from './helpers/metrics-text.js';
import { postJson, runnerWithTinyModels, statusOf } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';

describe('docker model requests, run by the real docker client against a runner process', () => {
  let runner: RunningRunner;
  let configDir: string;
  let env: Record<string, string>;
  const model = (args: string[]) => dockerModel(configDir, args, env);
  const chat = (content: string) => statusOf(postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content }], max_tokens: 2 }));

  beforeAll(async () => {
    [runner, configDir] = await Promise.all([runnerWithTinyModels(), pluginConfigDir()]);
    env = { MODEL_RUNNER_HOST: runner.url };
    expect(await chat('first')).toBe(200);
  });

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('prints the recorded requests as the runner’s JSON, filtered with --model', async () => {
    const all = await model(['requests']);
    expect([all.code, all.stderr]).toEqual([0, '']);
    expect(all.stdout.endsWith(']\n')).toBe(true);
    const groups = JSON.parse(all.stdout) as ModelRecords[];
    expect(groups.flatMap((group) => group.records.map((record) => JSON.parse(record.request).messages[0].content))).toEqual(['first']);
    const filtered = await model(['requests', '--model', 'ai/tiny']);
    expect(JSON.parse(filtered.stdout)).toEqual(groups);
  });

  it('fails as DMR words it for an unknown model, and refuses --include-existing without --follow', async () => {
    expect(await model(['requests', '--model', 'ai/nope'])).toEqual({ code: 1, stdout: '', stderr: 'Failed to get requests for ai/nope: model not found\n' });
    expect(await model(['requests', '--include-existing'])).toEqual({ code: 1, stdout: '', stderr: '--include-existing can only be used with --follow\n' });
  });

  it('follows with -f --include-existing: the stored requests, then each new one, until Ctrl+C', async () => {
    // Its own process group, so Ctrl+C can reach the docker client and the plugin together, as a terminal's does.
    const child = spawn('docker', ['model', 'requests', '-f', '--include-existing'], { env: { ...process.env, DOCKER_CONFIG: configDir, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => (await lines.next()).value as string;
    try {
      expect(await next()).toBe('Connected to request stream. Press Ctrl+C to stop.');
      const [stored] = JSON.parse(await next()) as ModelRecords[];
      expect(stored).toMatchObject({ count: 1, records: [{ status_code: 200 }] });
      expect(JSON.parse(stored!.records[0]!.request).messages[0].content).toBe('first');
      await openStreams(runner, 'requests', 1);
      expect(await chat('second')).toBe(200);
      const [fresh] = JSON.parse(await next()) as ModelRecords[];
      expect(fresh).toMatchObject({ count: 1, model: 'ai/tiny', records: [{ model: 'ai/tiny', status_code: 200 }] });
      expect(JSON.parse(fresh!.records[0]!.request).messages[0].content).toBe('second');
      process.kill(-child.pid!, 'SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      await openStreams(runner, 'requests', 0);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});

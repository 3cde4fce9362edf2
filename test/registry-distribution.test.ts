import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../src/api/dmr-types.js';
import { postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

describe('pull and push against a real registry', () => {
  let registry: RunningRegistry;
  let source: RunningRunner;
  let target: RunningRunner;

  beforeAll(async () => {
    registry = await startRegistry();
    source = await runnerWithTinyModels();
    target = await startRunner();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([source?.[Symbol.asyncDispose](), target?.[Symbol.asyncDispose](), registry?.stop()]);
  });

  it('pushes a packaged model and pulls it into another runner with the same id', async () => {
    const name = `${registry.host}/models/tiny:v1`;
    const tagged = await fetch(`${source.url}/models/ai/tiny/tag?repo=${registry.host}/models/tiny&tag=v1`, { method: 'POST' });
    expect(tagged.status).toBe(201);
    const pushed = await postJson(source, `/models/${name}/push`, {}, { headers: { accept: 'application/json' } });
    expect(pushed.status).toBe(200);
    const pushLines = await progressLines(pushed);
    expect(pushLines.at(-1)).toMatchObject({ type: 'success', message: 'Model pushed successfully', mode: 'push' });

    const pulled = await postJson(target, '/models/create', { from: name });
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('content-type')).toMatch(/^text\/plain/);
    const lines = await progressLines(pulled);
    expect(lines.at(-1)).toMatchObject({ type: 'success', message: 'Model pulled successfully', mode: 'pull' });
    const original = (await (await fetch(`${source.url}/models/ai/tiny`)).json()) as Model;
    const copy = (await (await fetch(`${target.url}/models/${name}`)).json()) as Model;
    expect(copy.id).toBe(original.id);
    expect(copy.tags).toEqual([name]);
  });
});

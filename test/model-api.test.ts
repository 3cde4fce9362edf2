import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model, OpenAIModelList } from '../src/api/dmr-types.js';
import { RunnerClient } from '../src/api/runner-client.js';
import { isRunnerError } from '../src/shared/errors.js';
import { modelConfigFromGguf } from '../src/gguf/model-config.js';
import { readGgufHeader } from '../src/gguf/read-gguf-header.js';
import { generatedModel } from './helpers/models.js';
import { npmRun } from './helpers/run-command.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

describe('DMR model API with a packaged model', () => {
  let runner: RunningRunner;
  let ggufPath: string;
  let id: string;

  beforeAll(async () => {
    runner = await startRunner();
    ggufPath = await generatedModel('tiny', 'q8_0');
    const { stdout } = await npmRun('package', ['--gguf', ggufPath, '--context-size', '2048', 'ai/tiny:q8'], {
      MODEL_RUNNER_HOST: runner.url,
    });
    id = /\((sha256:[a-f0-9]{64})\)/.exec(stdout)?.[1] ?? '';
    expect(id).not.toBe('');
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  const get = async (path: string) => fetch(`${runner.url}${path}`);

  it('lists the packaged model with the config read from its GGUF', async () => {
    const expected = modelConfigFromGguf(await readGgufHeader(ggufPath));
    const models = (await (await get('/models')).json()) as Model[];
    expect(models).toHaveLength(1);
    const [model] = models;
    expect(model?.id).toBe(id);
    expect(model?.tags).toEqual(['docker.io/ai/tiny:q8']);
    expect(Math.abs((model?.created ?? 0) - Date.now() / 1000)).toBeLessThan(120);
    expect(model?.config).toMatchObject({
      format: 'gguf',
      architecture: 'llama',
      quantization: 'Q8_0',
      parameters: expected.parameters,
      size: expected.size,
      context_size: 2048,
    });
    expect(model?.config.parameters).toMatch(/^\d+\.\d\d[KMB]$/);
    expect(model?.config.size).toMatch(/^\d+\.\d\d(KiB|MiB)$/);
    expect(model?.config.gguf?.['general.architecture']).toBe('llama');
  });

  it('lists it in OpenAI form under every engine prefix', async () => {
    for (const prefix of ['/engines/v1', '/engines/llama.cpp/v1', '/v1', '/exp/vDD4.40/engines/v1']) {
      const list = (await (await get(`${prefix}/models`)).json()) as OpenAIModelList;
      expect(list.object).toBe('list');
      expect(list.data).toEqual([
        expect.objectContaining({
          id: 'docker.io/ai/tiny:q8',
          object: 'model',
          owned_by: 'docker',
          dmr: expect.objectContaining({ context_window: 2048, architecture: 'llama', quantization: 'Q8_0' }),
        }),
      ]);
      const one = await get(`${prefix}/models/ai/tiny:q8`);
      expect(((await one.json()) as { id: string }).id).toBe('docker.io/ai/tiny:q8');
    }
  });

  it('retrieves by normalised name but without the partial-name fallback on the OpenAI route', async () => {
    expect((await get('/engines/v1/models/tiny:q8')).status).toBe(200);
    const missing = await get('/engines/v1/models/ai/absent');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe(`error while getting model: get model '"ai/absent"': model not found\n`);
  });

  it('inspects by tag, id, short id and repository name', async () => {
    for (const reference of ['ai/tiny:q8', 'tiny:q8', 'docker.io/ai/tiny:q8', id, id.slice(7), id.slice(7, 19)]) {
      const response = await get(`/models/${reference}`);
      expect(response.status, reference).toBe(200);
      expect(((await response.json()) as Model).id).toBe(id);
    }
  });

  it('tags with 201, refuses a tag request without repo or tag, and untags before deleting', async () => {
    const tagged = await fetch(`${runner.url}/models/ai/tiny:q8/tag?repo=myorg/copy&tag=v2`, { method: 'POST' });
    expect(tagged.status).toBe(201);
    expect(await tagged.json()).toEqual({ message: 'Model tagged successfully with "myorg/copy:v2"', target: 'myorg/copy:v2' });
    const incomplete = await fetch(`${runner.url}/models/ai/tiny:q8/tag?repo=x`, { method: 'POST' });
    expect(incomplete.status).toBe(400);
    expect(await incomplete.text()).toBe('missing repo or tag query parameter\n');

    const conflict = await fetch(`${runner.url}/models/${id}`, { method: 'DELETE' });
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toContain('must be forced');
    const untag = await fetch(`${runner.url}/models/myorg/copy:v2`, { method: 'DELETE' });
    expect(await untag.json()).toEqual([{ Untagged: 'docker.io/myorg/copy:v2' }]);
  });

  it('exports an archive that loads back as the same model after a purge', async () => {
    const exported = await get('/models/ai/tiny:q8/export');
    expect(exported.headers.get('content-type')).toBe('application/x-tar');
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="ai/tiny:q8.tar"');
    const archive = Buffer.from(await exported.arrayBuffer());

    expect((await fetch(`${runner.url}/models/purge`, { method: 'DELETE' })).status).toBe(200);
    expect(await (await get('/models')).json()).toEqual([]);

    const loaded = await fetch(`${runner.url}/models/load`, { method: 'POST', body: archive });
    expect(loaded.status).toBe(200);
    expect(JSON.parse(await loaded.text())).toMatchObject({ type: 'success', message: 'Model loaded successfully' });
    const models = (await (await get('/models')).json()) as Model[];
    expect(models.map((model) => [model.id, model.tags])).toEqual([[id, undefined]]);
    expect((await fetch(`${runner.url}/models/${id}/tag?repo=ai/tiny&tag=q8`, { method: 'POST' })).status).toBe(201);
  });

  it('serves the typed client the CLI uses', async () => {
    const client = new RunnerClient(runner.url);
    expect((await client.listModels()).map((model) => model.id)).toEqual([id]);
    expect((await client.inspectModel('ai/tiny:q8')).id).toBe(id);
    expect((await client.listOpenAIModels()).data.map((model) => model.id)).toEqual(['docker.io/ai/tiny:q8']);
    await client.tagModel('ai/tiny:q8', 'ai/spare', 'v1');
    expect(await client.deleteModel('ai/spare:v1')).toEqual([{ Untagged: 'docker.io/ai/spare:v1' }]);
    const missing = await client.inspectModel('ai/absent').catch((error: unknown) => error);
    expect(isRunnerError(missing, 'not_found')).toBe(true);
  });

  it('answers unknown actions and malformed pulls clearly', async () => {
    const unknown = await fetch(`${runner.url}/models/ai/tiny:q8/frobnicate`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('unknown action "frobnicate"\n');
    const malformed = await fetch(`${runner.url}/models/create`, { method: 'POST', body: '{"from":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toBe('invalid request body: malformed JSON\n');
    const badReference = await fetch(`${runner.url}/models/create`, { method: 'POST', body: JSON.stringify({ from: 'Bad Name!' }) });
    expect(badReference.status).toBe(400);
    expect(await badReference.text()).toMatch(/^invalid model reference/);
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

const KEY = 'mr-test-0123456789abcdef';
const chat = { model: 'ai/tiny', messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 2 };

describe('an API key', () => {
  let runner: RunningRunner;

  beforeAll(async () => {
    // The models are packaged before the key is set: packaging talks to the runner without one.
    const unlocked = await runnerWithTinyModels();
    await unlocked.stop();
    runner = await startRunner({ modelsPath: unlocked.modelsPath, env: { MODEL_RUNNER_API_KEY: KEY } });
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('leaves the root page open and refuses every other route without it, in the route API’s error shape', async () => {
    expect((await fetch(`${runner.url}/`)).status).toBe(200);
    expect((await fetch(`${runner.url}/exp/vDD4.40/`)).status).toBe(200);
    const models = await fetch(`${runner.url}/models`);
    expect(models.status).toBe(401);
    expect(models.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await models.text()).toMatch(/^invalid or missing API key/);
    const completion = await postJson(runner, '/engines/v1/chat/completions', chat);
    expect(completion.status).toBe(401);
    expect(((await completion.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    expect((await postJson(runner, '/engines/unload', { all: true })).status).toBe(401);
  });

  it('accepts it as a Bearer token or as x-api-key, and refuses a wrong one', async () => {
    expect((await fetch(`${runner.url}/models`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    expect((await postJson(runner, '/engines/v1/chat/completions', chat, { headers: { 'x-api-key': KEY } })).status).toBe(200);
    for (const wrong of [`Bearer ${KEY}x`, `Bearer ${KEY.slice(0, -1)}`, KEY, 'Bearer']) {
      expect((await fetch(`${runner.url}/models`, { headers: { authorization: wrong } })).status, wrong).toBe(401);
    }
  });

  it('works with the official openai client given apiKey, and fails with 401 without it', async () => {
    const client = new OpenAI({ baseURL: `${runner.url}/engines/v1`, apiKey: KEY });
    const reply = await client.chat.completions.create(chat);
    expect(reply.choices[0]?.message.role).toBe('assistant');
    const anonymous = new OpenAI({ baseURL: `${runner.url}/engines/v1`, apiKey: 'not-the-key' });
    await expect(anonymous.chat.completions.create(chat)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('never writes the key to the log', () => {
    expect(runner.logs.join('\n')).not.toContain(KEY);
  });

  it('refuses to start with a key that cannot travel in a header', async () => {
    for (const bad of ['with space', 'ключ']) {
      await expect(startRunner({ env: { MODEL_RUNNER_API_KEY: bad } })).rejects.toThrow(/MODEL_RUNNER_API_KEY must be printable ASCII without spaces/);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginePs, postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

const evil = 'http://evil.example';

/** What a web page can make a browser send without a preflight: a text/plain POST. */
function simplePost(runner: RunningRunner, path: string, body: unknown, origin: string): Promise<Response> {
  return fetch(`${runner.url}${path}`, { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: JSON.stringify(body) });
}

function preflight(runner: RunningRunner, path: string, origin?: string): Promise<Response> {
  return fetch(`${runner.url}${path}`, { method: 'OPTIONS', headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST' } });
}

describe('origin checks with the default origins', () => {
  let runner: RunningRunner;

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
    const preloaded = await postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [] }, { headers: { 'x-preload-only': 'true' } });
    expect(preloaded.status).toBe(200);
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('refuses a cross-origin simple POST with 403 Origin not allowed on every route group, and does nothing', async () => {
    const attacks: Array<[string, unknown]> = [
      ['/engines/unload', { all: true }],
      ['/models/create', { from: 'localhost:1/attacker/model' }],
      ['/models/ai/tiny/push', {}],
      ['/engines/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }] }],
      ['/exp/vDD4.40/engines/unload', { all: true }],
    ];
    for (const [path, body] of attacks) {
      const refused = await simplePost(runner, path, body, evil);
      expect(refused.status, path).toBe(403);
      expect(refused.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await refused.text()).toBe('Origin not allowed\n');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect((await enginePs(runner)).map((row) => row.model_name)).toEqual(['ai/tiny']);
  });

  it("answers DMR's loopback origins, compared literally, with Access-Control-Allow-Origin", async () => {
    for (const origin of ['http://localhost', 'https://127.0.0.1', 'http://0.0.0.0']) {
      const response = await fetch(`${runner.url}/models`, { headers: { origin } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    }
    expect((await fetch(`${runner.url}/models`, { headers: { origin: 'http://localhost:3000' } })).status).toBe(403);
    const streamed = await postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, stream: true }, { headers: { origin: 'http://localhost' } });
    expect(streamed.headers.get('access-control-allow-origin')).toBe('http://localhost');
    await streamed.text();
  });

  it('answers an allowed preflight with 204 and the CORS headers, a disallowed one with 403, and one without Origin as a route would', async () => {
    const allowed = await preflight(runner, '/engines/v1/chat/completions', 'http://localhost');
    expect(allowed.status).toBe(204);
    expect(Object.fromEntries(allowed.headers)).toMatchObject({
      'access-control-allow-origin': 'http://localhost',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': '*',
    });
    expect((await preflight(runner, '/engines/v1/chat/completions', evil)).status).toBe(403);
    expect((await preflight(runner, '/engines/v1/chat/completions')).status).toBe(404);
  });

  it('leaves requests without an Origin (curl, SDKs, containers) as they were', async () => {
    const response = await postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('origin checks with DMR_ORIGINS', () => {
  it('allows the listed origins besides the defaults, and refuses the rest', async () => {
    await using runner = await startRunner({ env: { DMR_ORIGINS: 'http://app.example:8080, https://ui.example' } });
    for (const origin of ['http://app.example:8080', 'https://ui.example', 'http://localhost']) {
      expect((await fetch(`${runner.url}/models`, { headers: { origin } })).status, origin).toBe(200);
    }
    expect((await simplePost(runner, '/engines/unload', { all: true }, evil)).status).toBe(403);
  });

  it('allows every origin with *', async () => {
    await using runner = await startRunner({ env: { DMR_ORIGINS: '*' } });
    const response = await fetch(`${runner.url}/models`, { headers: { origin: evil } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(evil);
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginePs, postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) console.warn(`browser origin tests skipped: no ${CHROMIUM} (Debian's chromium package; .ci/run installs it)`);

/** A page server on loopback: its origin is http://127.0.0.1:<port>, another origin than the runner's. */
async function pageServer(script: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><body>waiting</body><script>${script()}</script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The page's DOM once its script has run, as headless Chromium renders it. */
async function renderedBody(url: string): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-'));
  try {
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
    const { stdout } = await promisify(execFile)(CHROMIUM, [...flags, `--user-data-dir=${profile}`, '--virtual-time-budget=10000', '--dump-dom', url], { timeout: 60_000 });
    return /<body>([\s\S]*?)<\/body>/.exec(stdout)?.[1]?.trim() ?? stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

const report = (call: string) => `${call}.then((r) => r.text().then((t) => (document.body.textContent = 'answered ' + r.status + ' ' + t)), (e) => (document.body.textContent = 'refused ' + e.name));`;

describe.skipIf(!existsSync(CHROMIUM))('origin checks seen from a real browser', () => {
  let runner: RunningRunner;
  let allowedPage: { server: Server; origin: string };
  let attackerPage: { server: Server; origin: string };

  beforeAll(async () => {
    allowedPage = await pageServer(() => report(`fetch('${runner.url}/models')`));
    attackerPage = await pageServer(() => report(`fetch('${runner.url}/engines/unload', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"all":true}' })`));
    runner = await runnerWithTinyModels({ env: { DMR_ORIGINS: allowedPage.origin } });
    expect((await postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [] }, { headers: { 'x-preload-only': 'true' } })).status).toBe(200);
  });

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
    for (const page of [allowedPage, attackerPage]) page?.server.close();
  });

  it("refuses a page on another origin whose fetch tries to unload the runner's models", async () => {
    expect(await renderedBody(attackerPage.origin)).toBe('refused TypeError');
    expect((await enginePs(runner)).map((row) => row.model_name)).toEqual(['ai/tiny']);
  });

  it('serves a page from an allowed origin', async () => {
    expect(await renderedBody(allowedPage.origin)).toMatch(/^answered 200 \[/);
  });
});

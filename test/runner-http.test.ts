import { access } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packModelArchive } from '../src/distribution/model-tar.js';
import { tinyArtifact } from './helpers/models.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';
import { curlUnix, unixRequest } from './helpers/unix-request.js';

describe('runner listeners', () => {
  let runner: RunningRunner;

  beforeAll(async () => {
    runner = await startRunner();
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('answers the root page and version on TCP and on the Unix socket, with and without the Desktop prefix', async () => {
    for (const prefix of ['', '/exp/vDD4.40']) {
      const root = await fetch(`${runner.url}${prefix}/`);
      expect(root.status).toBe(200);
      expect(await root.text()).toBe('Docker Model Runner is running');
      expect(await (await fetch(`${runner.url}${prefix}/version`)).json()).toEqual({ version: 'v0.1.0' });
      const overSocket = await unixRequest(runner.socketPath, 'GET', `${prefix}/version`);
      expect(JSON.parse(overSocket.body)).toEqual({ version: 'v0.1.0' });
    }
  });

  it('serves the model list to curl over the Unix socket under /exp/vDD4.40', async () => {
    expect(await curlUnix(runner.socketPath, '/exp/vDD4.40/models')).toEqual({ status: 200, body: '[]' });
    expect(await curlUnix(runner.socketPath, '/exp/vDD4.40/engines/v1/models')).toEqual({
      status: 200,
      body: '{"object":"list","data":[]}',
    });
  });

  it('answers unknown paths with a plain-text 404 as Go does', async () => {
    const response = await fetch(`${runner.url}/no/such/path`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('404 page not found\n');
  });

  it('cleans doubled slashes before routing', async () => {
    expect((await fetch(`${runner.url}//models`)).status).toBe(200);
  });

  it('sends a complete answer in one write with its Content-Length, and a stream chunked', async () => {
    /** The first bytes the runner writes for a GET, as one read of a raw socket sees them. */
    const firstWrite = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(runner.url).port), '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
        socket.once('data', (data) => {
          resolve(data.toString('latin1'));
          socket.destroy();
        });
        socket.once('error', reject);
      });
    const complete = await firstWrite('/engines/v1/models');
    const body = '{"object":"list","data":[]}';
    expect(complete).toMatch(new RegExp(`\r\ncontent-length: ${body.length}\r\n`, 'i'));
    expect(complete.endsWith(`\r\n\r\n${body}`)).toBe(true);
    const streamed = await firstWrite('/logs?no-engines');
    expect(streamed).toMatch(/\r\ntransfer-encoding: chunked\r\n/i);
    expect(streamed).not.toMatch(/\r\ncontent-length:/i);
  });

  it('refuses an unknown engine backend', async () => {
    const response = await fetch(`${runner.url}/engines/vllm2/v1/models`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('backend not found\n');
  });
});

describe('runner lifecycle', () => {
  it('binds TCP to loopback only by default', async () => {
    await using runner = await startRunner();
    const listening = runner.logs.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'runner listening');
    expect(listening.bind).toBe('127.0.0.1');
  });

  it('shuts down on SIGTERM: finishes an in-flight upload, answers new pulls 503, then stops listening and removes its socket', async () => {
    const runner = await startRunner();
    const artifact = await tinyArtifact();
    const archive: Uint8Array[] = [];
    for await (const chunk of packModelArchive(artifact.blobs, artifact.manifest)) archive.push(chunk);
    let resume: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(archive[0]!);
        await paused;
        for (const chunk of archive.slice(1)) controller.enqueue(chunk);
        controller.close();
      },
    });
    const upload = fetch(`${runner.url}/models/load`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    await new Promise((resolve) => setTimeout(resolve, 200));
    runner.process.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const pull = await fetch(`${runner.url}/models/create`, { method: 'POST', body: JSON.stringify({ from: 'localhost:1/never/pulled' }) });
    expect(pull.status).toBe(503);
    expect(await pull.text()).toMatch(/shutting down/);
    resume();
    expect((await upload).status).toBe(200);
    expect(await runner.stop()).toBe(0);
    await expect(fetch(`${runner.url}/version`)).rejects.toThrow();
    await expect(access(runner.socketPath)).rejects.toThrow();
    await runner[Symbol.asyncDispose]();
  });

  it('replaces a stale socket file left by a runner that died', async () => {
    const first = await startRunner();
    first.process.kill('SIGKILL');
    await first.stop();
    await access(first.socketPath);
    await using second = await startRunner({ env: { MODEL_RUNNER_SOCK: first.socketPath } });
    expect((await unixRequest(first.socketPath, 'GET', '/version')).status).toBe(200);
    expect(second.socketPath).toBe(first.socketPath);
    await first[Symbol.asyncDispose]();
  });
});

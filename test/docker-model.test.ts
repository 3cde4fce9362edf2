import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../src/api/dmr-types.js';
import { dockerCli, dockerModel, pluginConfigDir } from './helpers/docker-model.js';
import { enginePs, runnerWithTinyModels } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';

const execFileAsync = promisify(execFile);

describe('docker model, run by the real docker client against a runner process', () => {
  let runner: RunningRunner;
  let configDir: string;
  let env: Record<string, string>;
  const model = (args: string[], input?: string) => dockerModel(configDir, args, env, input);

  beforeAll(async () => {
    [runner, configDir] = await Promise.all([runnerWithTinyModels(), pluginConfigDir()]);
    env = { MODEL_RUNNER_HOST: runner.url };
  });

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('is a docker CLI plugin: it answers the metadata call, and the docker client lists it', async () => {
    const { stdout } = await execFileAsync(join(configDir, 'cli-plugins', 'docker-model'), ['docker-cli-plugin-metadata']);
    expect(stdout).toMatch(/^\{\n {5}"SchemaVersion": "0\.1\.0",\n/);
    expect(JSON.parse(stdout)).toEqual({ SchemaVersion: '0.1.0', Vendor: 'model-runner', Version: expect.stringMatching(/^v1\.0\.6\+model-runner\./), ShortDescription: 'Docker Model Runner' });
    expect((await dockerCli(configDir, ['--help'])).stdout).toMatch(/\n {2}model\* +Docker Model Runner\n/);
    expect((await model(['--help'])).stdout).toMatch(/^Usage: docker model COMMAND\n\nDocker Model Runner\n/);
  });

  it('prints the client and server versions', async () => {
    const { stdout, code } = await model(['version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Client:\n Version: {4}v1\.0\.6\+model-runner\.\d+\.\d+\.\d+\n OS\/Arch: {4}linux\/\w+\n\nServer:\n Version: {4}v\d+\.\d+\.\d+\n Engine: {5}Docker Engine \(Manual Install\)\n$/);
  });

  it('reports status as text and as the JSON Compose reads, with nothing on stderr', async () => {
    const text = await model(['status']);
    expect(text.stdout).toMatch(/^Docker Model Runner is running\n\nBACKEND {4}STATUS {3}DETAILS\nllama\.cpp {2}Running {2}llama\.cpp via node-llama-cpp/);
    const json = await model(['status', '--json']);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual({
      running: true,
      backends: { 'llama.cpp': expect.stringMatching(/^Running: /) },
      kind: 'Docker Engine (Manual Install)',
      endpoint: `${runner.url}/v1/`,
      endpointHost: `${runner.url}/v1/`,
    });
  });

  it('lists models as a table, as JSON, as ids and filtered', async () => {
    const table = await model(['ls']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODEL NAME +PARAMETERS +QUANTIZATION +ARCHITECTURE +MODEL ID +CREATED +CONTEXT +SIZE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['tiny', 'tiny-embed']);
    expect(lines[1]).toMatch(/^tiny +\S+ +Q8_0 +llama +[0-9a-f]{12} +(Less than a second|\d+ seconds|About a minute) ago +512 +\S+$/);
    const models = JSON.parse((await model(['ls', '--json'])).stdout) as Model[];
    expect(models.flatMap((entry) => entry.tags)).toEqual(expect.arrayContaining(['docker.io/ai/tiny:latest', 'docker.io/ai/tiny-embed:latest']));
    const ids = (await model(['ls', '-q'])).stdout.trim().split('\n');
    expect(ids.sort()).toEqual(models.map((entry) => entry.id.slice(7, 19)).sort());
    const filtered = JSON.parse((await model(['ls', 'tiny-embed', '--json'])).stdout) as Model[];
    expect(filtered.map((entry) => entry.tags)).toEqual([['docker.io/ai/tiny-embed:latest']]);
    const openai = JSON.parse((await model(['ls', '--openai'])).stdout) as { object: string; data: unknown[] };
    expect(openai.object).toBe('list');
    expect(openai.data).toHaveLength(2);
  });

  it('inspects a model as four-space JSON, and OpenAI-style', async () => {
    const { stdout } = await model(['inspect', 'ai/tiny']);
    expect(stdout).toMatch(/^\{\n {4}"id": "sha256:[0-9a-f]{64}",\n/);
    expect((JSON.parse(stdout) as Model).config.context_size).toBe(512);
    expect(JSON.parse((await model(['inspect', '--openai', 'ai/tiny'])).stdout)).toMatchObject({ object: 'model', owned_by: 'docker' });
  });

  it('tags and removes models with DMR messages', async () => {
    expect((await model(['tag', 'ai/tiny', 'team/tiny:v2'])).stdout).toBe('Model "ai/tiny" tagged successfully with "team/tiny:v2"\n');
    const removed = await model(['rm', 'team/tiny:v2']);
    expect(removed).toMatchObject({ code: 0, stdout: 'Untagged: docker.io/team/tiny:v2\n' });
    const missing = await model(['rm', 'ai/never-pulled']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Failed to remove model: no such model: ai/never-pulled\n');
  });

  it('configures a model and shows its configuration, as Compose does after a pull', async () => {
    const configured = await model(['configure', '--context-size', '256', '--keep-alive', '10m', 'ai/tiny', '--', '--temp', '0.2']);
    expect(configured).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const shown = JSON.parse((await model(['configure', 'show', 'ai/tiny'])).stdout) as Array<{ Config: Record<string, unknown> }>;
    expect(shown[0]?.Config).toEqual({ 'context-size': 256, keep_alive: '10m0s' });
  });

  it('shows running models with ps, unloads them, and reports disk usage', async () => {
    await expect.poll(async () => (await enginePs(runner)).some((entry) => !entry.loading), { timeout: 30_000 }).toBe(true);
    const ps = (await model(['ps'])).stdout.split('\n');
    expect(ps[0]).toMatch(/^MODEL NAME +BACKEND +MODE +UNTIL$/);
    expect(ps[1]).toMatch(/^tiny +llama\.cpp +completion +(\d+ minutes|About a minute|\d+ seconds) from now$/);
    expect((await model(['unload', '--all'])).stdout).toBe('Unloaded 1 model(s).\n');
    expect((await model(['unload', '--all'])).stdout).toBe('No models are running.\n');
    expect((await model(['unload', 'ai/tiny'])).stdout).toBe('No such model(s) running.\n');
    const both = await model(['unload', '--all', 'ai/tiny']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("'docker model unload' does not take MODEL when --all is specified.");
    expect((await model(['df'])).stdout).toMatch(/^TYPE +SIZE\nModels +\d+\.\d{2}[kMG]?B\nInference engine +\d+\.\d{2}[kMG]?B\n$/);
  });

  it('refuses unknown commands and flags with one clear line and exit 1', async () => {
    const command = await model(['frobnicate']);
    expect(command.code).toBe(1);
    expect(command.stderr).toMatch(/^error: unknown command 'frobnicate'\n/);
    const flag = await model(['ls', '--frobnicate']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toBe("error: unknown option '--frobnicate'\n");
  });

  it('asks before purging, and purges with --force', async () => {
    const declined = await model(['purge'], 'n\n');
    expect(declined.stdout).toBe('WARNING! This will remove the entire models directory.\nAre you sure you want to continue? [y/N] Operation cancelled.\n');
    expect(JSON.parse((await model(['ls', '--json'])).stdout)).toHaveLength(2);
    expect((await model(['purge', '--force'])).code).toBe(0);
    expect(JSON.parse((await model(['ls', '--json'])).stdout)).toEqual([]);
  });
});

describe('docker model finding the runner', () => {
  let configDir: string;
  let probe: Server;
  const seen: Array<{ url: string; agent: string }> = [];

  beforeAll(async () => {
    configDir = await pluginConfigDir();
    // 503 on every call, as DMR reads a runner that is not ready; remembers what the CLI sent.
    probe = createServer((request, response) => {
      seen.push({ url: request.url ?? '', agent: request.headers['user-agent'] ?? '' });
      response.writeHead(503).end('starting');
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => probe?.close(resolve));
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('says the runner is not running, with what to do, when nothing answers or it answers 503', async () => {
    for (const host of ['http://127.0.0.1:1', `http://127.0.0.1:${(probe.address() as AddressInfo).port}`]) {
      const { code, stderr } = await dockerModel(configDir, ['ls'], { MODEL_RUNNER_HOST: host });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^Docker Model Runner is not running\. Please start it and try again\.\n\nWhat's next:\n {4}Start the runner → docker model start-runner\n/);
    }
  });

  it('prints its own version even when no runner answers', async () => {
    const { stdout, code } = await dockerModel(configDir, ['version'], { MODEL_RUNNER_HOST: 'http://127.0.0.1:9' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/\n\nServer:\n Version: {4}\(not reachable\)\n Engine: {5}\(not reachable\)\n$/);
  });

  it('sends User-Agent docker-model-cli/<version> on every request', async () => {
    await dockerModel(configDir, ['ls'], { MODEL_RUNNER_HOST: `http://127.0.0.1:${(probe.address() as AddressInfo).port}` });
    expect(seen.at(-1)).toEqual({ url: '/models', agent: expect.stringMatching(/^docker-model-cli\/v1\.0\.6\+model-runner\./) });
  });

  it('talks to the daemon named by --context, -H, DOCKER_HOST or the current context', async () => {
    // A context store entry as `docker context create` writes it.
    const meta = join(configDir, 'contexts', 'meta', createHash('sha256').update('elsewhere').digest('hex'));
    await mkdir(meta, { recursive: true });
    await writeFile(join(meta, 'meta.json'), JSON.stringify({ Name: 'elsewhere', Endpoints: { docker: { Host: 'unix:///nonexistent/context.sock' } } }));
    const noInstall = { MODEL_RUNNER_NO_AUTO_INSTALL: '1' };
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['--context', 'elsewhere', 'model', 'ls'], {}, 'unix:///nonexistent/context.sock'],
      [['-H', 'unix:///nonexistent/flag.sock', 'model', 'ls'], {}, 'unix:///nonexistent/flag.sock'],
      [['model', 'ls'], { DOCKER_HOST: 'unix:///nonexistent/env.sock' }, 'unix:///nonexistent/env.sock'],
      [['model', 'ls'], { DOCKER_CONTEXT: 'elsewhere' }, 'unix:///nonexistent/context.sock'],
    ];
    for (const [args, extra, socket] of cases) {
      const { stderr, code } = await dockerCli(configDir, args, { ...noInstall, ...extra });
      expect(code).toBe(1);
      expect(stderr).toBe(`cannot reach the Docker daemon at ${socket}: is dockerd running?\n`);
    }
  });
});

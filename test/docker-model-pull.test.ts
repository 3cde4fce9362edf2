import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../src/api/dmr-types.js';
import { startCountingProxy, type CountingProxy } from './helpers/counting-proxy.js';
import { dockerModel, pluginConfigDir } from './helpers/docker-model.js';
import { generatedModel } from './helpers/models.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { npmRun } from './helpers/run-command.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MiB = 1024 * 1024;
/** How much of the big model's GGUF layer gets through before its transfer stalls. */
const HOLD_BYTES = 4 * MiB;
/** A stack trace's frame line, which no user-facing failure may show. */
const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

interface Layer {
  digest: string;
  size: number;
}

interface TerminalSession {
  child: ChildProcessWithoutNullStreams;
  /** Everything the terminal showed so far, escape sequences included. */
  output(): string;
  done: Promise<number | null>;
}

/** `command` run by sh under a pseudo-terminal of 160 columns, as a user's shell runs it. */
function inTerminal(command: string, env: Record<string, string>): TerminalSession {
  const child = spawn('script', ['-qec', `stty cols 160 rows 40; ${command}`, '/dev/null'], { env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, done };
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => info.size,
    () => undefined,
  );
}

async function layers(registry: RunningRegistry, repository: string, tag: string): Promise<Layer[]> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, { headers: { accept: OCI_MANIFEST } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { layers: Layer[] }).layers;
}

const pullFailures = (runner: RunningRunner) => runner.logs.filter((line) => line.includes('"msg":"pull failed"')).length;

/** The big model's GGUF layer, the one a test stalls. */
async function largestLayer(registry: RunningRegistry, repository: string): Promise<Layer> {
  return (await layers(registry, repository, 'latest')).reduce((largest, layer) => (layer.size > largest.size ? layer : largest));
}

/** A generated GGUF packaged and pushed straight to the registry by `docker model package --push`. */
async function publish(registry: RunningRegistry, repository: string, gguf: Promise<string>): Promise<string> {
  const reference = `${registry.host}/${repository}:latest`;
  await npmRun('package', ['--gguf', await gguf, '--push', reference], { MODEL_RUNNER_HOST: 'http://127.0.0.1:1' });
  return reference;
}

describe('docker model pull and push through the docker CLI', () => {
  let registry: RunningRegistry;
  let proxy: CountingProxy;
  let runner: RunningRunner;
  let configDir: string;
  let env: Record<string, string>;
  const refs = { piped: '', terminal: '', quiet: '', big: '' };

  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startCountingProxy(registry.url);
    [runner, configDir] = await Promise.all([startRunner(), pluginConfigDir()]);
    env = { MODEL_RUNNER_HOST: runner.url, DOCKER_CONFIG: configDir };
    [refs.piped, refs.terminal, refs.quiet, refs.big] = await Promise.all([
      publish(registry, 'ai/tiny-piped', generatedModel('tiny', 'q8_0', 11)),
      publish(registry, 'ai/tiny-terminal', generatedModel('tiny', 'q8_0', 12)),
      publish(registry, 'ai/tiny-quiet', generatedModel('tiny', 'q8_0', 13)),
      publish(registry, 'ai/big', generatedModel('minilm', 'q8_0')),
    ]);
  }, 120_000);

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
    await proxy?.close();
    await registry?.stop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  // The dying runner's test spends DMR's 15 s of backoff waiting, so it runs beside the others.
  describe.concurrent('with a runner that stays up', () => {
    it.sequential('prints a progress line per update and the success message when piped, then lists the model', async () => {
      const { stdout, stderr, code } = await dockerModel(configDir, ['pull', refs.piped], env);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines.at(-1)).toBe('Model pulled successfully');
      const progress = lines.slice(0, -1);
      expect(progress.length).toBeGreaterThan(0);
      for (const line of progress) expect(line).toMatch(/^Downloaded \d+\.\d\d[kMG]?B of \d+\.\d\d[kMG]?B$/);
      const [, done, total] = /^Downloaded (\S+) of (\S+)$/.exec(progress.at(-1)!)!;
      expect(done).toBe(total);

      const listed = await dockerModel(configDir, ['ls', '--json'], env);
      expect(listed.code).toBe(0);
      expect((JSON.parse(listed.stdout) as Model[]).flatMap((model) => model.tags ?? [])).toContain(refs.piped);

      const again = await dockerModel(configDir, ['pull', refs.piped], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^Using cached model: \S+\n$/);
    });

    it.sequential('draws a row per layer with Docker-style bars on a terminal', async () => {
      const [gguf] = await layers(registry, 'ai/tiny-terminal', 'latest');
      const session = inTerminal(`docker model pull ${refs.terminal}`, env);
      expect(await session.done).toBe(0);
      const screen = session.output();
      expect(screen).toContain('\x1b[?25l');
      expect(screen).toMatch(new RegExp(`${gguf!.digest.slice(7, 19)}: Pull complete \\[={50}>\\] +\\S+/\\S+`));
      expect(screen).toContain('Model pulled successfully');
      expect(screen).not.toContain('Downloaded ');
    });

    it.sequential('shows only the result with --quiet', async () => {
      const { stdout, stderr, code } = await dockerModel(configDir, ['pull', '--quiet', refs.quiet], env);
      expect({ stdout, stderr, code }).toEqual({ stdout: 'Model pulled successfully\n', stderr: '', code: 0 });
    });

    it.sequential('pushes a tagged model to the registry', async () => {
      const target = `${registry.host}/pushed/tiny:v1`;
      expect((await dockerModel(configDir, ['tag', refs.piped, target], env)).code).toBe(0);
      const { stdout, stderr, code } = await dockerModel(configDir, ['push', target], env);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout.trimEnd().split('\n').at(-1)).toBe('Model pushed successfully');
      expect(await layers(registry, 'pushed/tiny', 'v1')).toEqual(await layers(registry, 'ai/tiny-piped', 'latest'));
    });

    it.sequential("fails with the registry's answer, on one line, for a model the registry does not have", async () => {
      const absent = `${registry.host}/ai/absent:latest`;
      const { stdout, stderr, code } = await dockerModel(configDir, ['pull', absent], env);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`^Failed to pull model: pulling ${absent} failed with status 404 Not Found: Model not found[^\\n]*\\n$`));
    });

    it.sequential('stops on Ctrl+C with exit 130 and no stack trace, and the next pull resumes the partial layer', async () => {
      const viaProxy = refs.big.replace(registry.host, proxy.host);
      const gguf = await largestLayer(registry, 'ai/big');
      const partial = join(runner.modelsPath, 'blobs', 'sha256', `${gguf.digest.slice(7)}.incomplete`);
      const { held } = proxy.holdAfter(`/blobs/${gguf.digest}`, HOLD_BYTES);
      const session = inTerminal(`docker model pull ${viaProxy}`, env);
      await held;
      await waitFor('the runner to write what it was sent', async () => (await sizeOf(partial)) === HOLD_BYTES);
      const failures = pullFailures(runner);
      session.child.stdin.write('\x03');
      expect(await session.done).toBe(130);
      expect(session.output()).not.toMatch(STACK_FRAME);
      expect(session.output()).not.toContain('Error');
      expect(session.output()).not.toContain('Model pulled successfully');
      // The runner drops a pull whose client left, keeping what it has, before the next one starts.
      await waitFor('the runner to drop the pull', () => pullFailures(runner) > failures);
      expect(await sizeOf(partial)).toBe(HOLD_BYTES);

      const mark = proxy.requests.length;
      const resumed = await dockerModel(configDir, ['pull', viaProxy], env);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout.trimEnd().split('\n').at(-1)).toBe('Model pulled successfully');
      const ggufGets = proxy.requests.slice(mark).filter((request) => request.method === 'GET' && request.path.includes(`/blobs/${gguf.digest}`));
      expect(ggufGets).toMatchObject([{ range: `bytes=${HOLD_BYTES}-`, status: 206, bodyBytes: gguf.size - HOLD_BYTES }]);
    });
  });

  describe.concurrent('with a runner that dies', () => {
    it('gives one clear line and exit 1 when the runner dies mid-pull, after retrying as DMR does', async () => {
      await using doomed = await startRunner();
      await using ownProxy = await startCountingProxy(registry.url);
      const viaProxy = refs.big.replace(registry.host, ownProxy.host);
      const gguf = await largestLayer(registry, 'ai/big');
      const { held } = ownProxy.holdAfter(`/blobs/${gguf.digest}`, HOLD_BYTES);
      const pulling = dockerModel(configDir, ['pull', viaProxy], { ...env, MODEL_RUNNER_HOST: doomed.url });
      await held;
      doomed.process.kill('SIGKILL');
      const { stdout, stderr, code } = await pulling;
      expect(code).toBe(1);
      expect(stdout).toMatch(/^Downloaded /);
      const errors = stderr.trimEnd().split('\n');
      expect(errors.slice(0, -1)).toEqual(['Retrying download (attempt 1/4) in 1s...', 'Retrying download (attempt 2/4) in 2s...', 'Retrying download (attempt 3/4) in 4s...', 'Retrying download (attempt 4/4) in 8s...']);
      expect(errors.at(-1)).toMatch(/^Failed to pull model: download failed after 4 retries: Docker Model Runner is not running\. Please start it and try again\. \(.*ECONNREFUSED.*\)$/);
      expect(stderr).not.toMatch(STACK_FRAME);
    }, 40_000);
  });
});

import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Model } from '../src/api/dmr-types.js';
import { RunnerClient } from '../src/api/runner-client.js';
import { connectDocker } from '../src/docker/docker-connection.js';
import type { RunnerInstaller } from '../src/docker/runner-installer.js';
import type { CliContext } from '../plugin/cli-context.js';
import { logsCommand } from '../plugin/commands/logs-command.js';
import { formatModelInfo } from '../plugin/commands/show-command.js';
import { dockerCli, dockerModel, pluginConfigDir } from './helpers/docker-model.js';
import { generatedModel } from './helpers/models.js';
import { postJson } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { npmRun } from './helpers/run-command.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';
import { BUILD_TIMEOUT_MS, docker, engineDown, localBaseImage } from './helpers/runner-image.js';

const exec = promisify(execFile);

describe('docker model show, logs and completion, run by the real docker client', () => {
  let runner: RunningRunner;
  let registry: RunningRegistry;
  let configDir: string;
  // Go prints Created in local time; one zone for the plugin and for the expectation.
  const env = () => ({ MODEL_RUNNER_HOST: runner.url, TZ: 'UTC' });
  const model = (args: string[]) => dockerModel(configDir, args, env());

  beforeAll(async () => {
    [runner, registry, configDir] = await Promise.all([startRunner(), startRegistry(), pluginConfigDir()]);
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--context-size', '512', 'ai/tiny'], { MODEL_RUNNER_HOST: runner.url });
    vi.stubEnv('TZ', 'UTC');
  });

  afterAll(async () => {
    await Promise.all([runner?.[Symbol.asyncDispose](), registry?.stop()]);
    if (configDir) await rm(configDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it('shows a packaged model field by field, as GET /models/{model} describes it', async () => {
    const { stdout, stderr, code } = await model(['show', 'ai/tiny']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const described = (await (await fetch(`${runner.url}/models/ai/tiny`)).json()) as Model;
    expect(stdout).toBe(formatModelInfo(described));
    const lines = [
      /^Model: {7}sha256:[0-9a-f]{64}$/,
      /^Tags: {8}.*ai\/tiny:latest/,
      /^Created: {5}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      /^$/,
      /^Format: {7}gguf$/,
      /^Architecture: llama$/,
      /^Parameters: {3}\S/,
      /^Size: {9}\S/,
      /^Quantization: Q8_0$/,
      /^Context Size: 512$/,
      /^$/,
      /^GGUF Metadata:$/,
    ];
    const printed = stdout.split('\n');
    lines.forEach((line, index) => expect(printed[index]).toMatch(line));
    expect(printed.slice(lines.length, -1).every((line) => /^ {2}[\w.]+: /.test(line))).toBe(true);
  });

  it('shows a model in its registry with --remote, without pulling it', async () => {
    const name = `${registry.host}/models/tiny:v1`;
    const query = new URLSearchParams({ repo: `${registry.host}/models/tiny`, tag: 'v1' });
    expect((await fetch(`${runner.url}/models/ai/tiny/tag?${query}`, { method: 'POST' })).status).toBe(201);
    const pushed = await postJson(runner, `/models/${name}/push`, {}, { headers: { accept: 'application/json' } });
    expect((await progressLines(pushed)).at(-1)).toMatchObject({ type: 'success' });
    await using fresh = await startRunner();
    const { stdout, code } = await dockerModel(configDir, ['show', '--remote', name], { MODEL_RUNNER_HOST: fresh.url, TZ: 'UTC' });
    expect(code).toBe(0);
    const local = (await (await fetch(`${runner.url}/models/ai/tiny`)).json()) as Model;
    expect(stdout).toMatch(new RegExp(`^Model: {7}${local.id}\nCreated: `));
    expect(stdout).toContain('Context Size: 512\n');
    expect((await (await fetch(`${fresh.url}/models`)).json()) as Model[]).toEqual([]);
  });

  it('says in one line that a missing model is missing, and fails', async () => {
    const { stdout, stderr, code } = await model(['show', 'ai/absent']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Failed to get model ai\/absent: .+\n$/);
  });

  it('says plainly that logs come only from the runner container when MODEL_RUNNER_HOST names another runner', async () => {
    const { stdout, stderr, code } = await model(['logs']);
    expect({ stdout, code }).toEqual({ stdout: '', code: 1 });
    expect(stderr).toBe(`logs are only available for the Docker Model Runner container: MODEL_RUNNER_HOST points at a runner outside one (${runner.url}); read that runner's own output instead\n`);
  });

  it('writes a bash completion script that parses and completes docker-model l<TAB>', async () => {
    const { stdout: script, code } = await model(['completion', 'bash']);
    expect(code).toBe(0);
    const withScript = { env: { ...process.env, SCRIPT: script } };
    expect((await exec('bash', ['-c', 'bash -n <<< "$SCRIPT"'], withScript)).stderr).toBe('');
    const { stdout } = await exec('bash', ['-c', 'source /dev/stdin <<< "$SCRIPT"; COMP_WORDS=(docker-model l); COMP_CWORD=1; _docker_model; echo "${COMPREPLY[@]}"'], withScript);
    const offered = stdout.trim().split(' ');
    expect(offered).toEqual(expect.arrayContaining(['list', 'logs', 'ls']));
    expect(offered.every((word) => word.startsWith('l'))).toBe(true);
  });

  it('writes a zsh completion script that starts with #compdef', async () => {
    const { stdout, code } = await model(['completion', 'zsh']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^#compdef docker-model\n/);
  });

  it("answers the docker CLI's completion of docker model, through docker __complete and its bash script", async () => {
    const { stdout, code } = await dockerCli(configDir, ['__complete', 'model', 'l']);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual(expect.arrayContaining(['list', 'logs', 'ls', ':4']));
    expect((await dockerCli(configDir, ['__completeNoDesc', 'model', 'logs', '--f'])).stdout).toBe('--follow\n:4\n');
    const dockerScript = (await dockerCli(configDir, ['completion', 'bash'])).stdout;
    // bash-completion's word splitter, which the docker CLI's script expects; a minimal one where it is not installed.
    const words = '_get_comp_words_by_ref() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; }';
    const driver = `${words}; source /dev/stdin <<< "$SCRIPT"; COMP_WORDS=(docker model l); COMP_CWORD=2; __start_docker 2>/dev/null; echo "\${COMPREPLY[@]}"`;
    const completed = await exec('bash', ['-c', driver], { env: { ...process.env, SCRIPT: dockerScript, DOCKER_CONFIG: configDir } });
    expect(completed.stdout.trim().split(' ')).toEqual(expect.arrayContaining(['list', 'logs', 'ls']));
  });
});

const down = await engineDown();
if (down) console.warn(`docker model logs tests skipped: \`docker info\` failed (${down})`);

/** Output written so far, as a string. */
function collector(): NodeJS.WritableStream & { text(): string } {
  const chunks: Buffer[] = [];
  return Object.assign(new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk)), { text: () => Buffer.concat(chunks).toString() });
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The controller's logs are copied from whatever container `installer.running()` names. The real
 * controller (DMR's fixed name and labels) belongs to runner-installer.test.ts, so a plain
 * container that logs like the runner stands in for it, on the real daemon.
 */
describe.skipIf(down)('docker model logs, from a container on the real Docker Engine', () => {
  const script = 'echo listening; echo \'{"component":"engine","msg":"model loaded"}\' >&2; echo warning >&2; sleep 0.2; echo ready; exec sleep 600';
  let dockerode: Docker;
  let id: string;

  beforeAll(async () => {
    dockerode = await connectDocker(process.env.DOCKER_HOST || 'unix:///var/run/docker.sock');
    id = await docker('run', '-d', '--pull', 'never', await localBaseImage(), 'sh', '-c', script);
    await until(async () => (await exec('docker', ['logs', id])).stdout.includes('ready'), 'the container to log');
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    if (id) await docker('rm', '-f', id);
  });

  function logs(args: string[], running = async () => (await dockerode.listContainers({ filters: { id: [id] } }))[0]) {
    const [out, err] = [collector(), collector()];
    const installer = { docker: dockerode, running } as unknown as RunnerInstaller;
    const connection = { kind: 'Docker Engine', client: new RunnerClient('http://127.0.0.1:9'), endpoint: '', endpointHost: '' };
    const context = { out, err, env: {}, runner: async () => connection, installer: async () => installer } as unknown as CliContext;
    return { out, err, done: logsCommand(context).parseAsync(args, { from: 'user' }) };
  }

  it("copies the controller's stdout and stderr to ours", async () => {
    const { out, err, done } = logs([]);
    await done;
    expect(out.text()).toBe('listening\nready\n');
    expect(err.text()).toBe('{"component":"engine","msg":"model loaded"}\nwarning\n');
  });

  it("leaves the engines' lines out with --no-engines", async () => {
    const { out, err, done } = logs(['--no-engines']);
    await done;
    expect(out.text()).toBe('listening\nready\n');
    expect(err.text()).toBe('warning\n');
  });

  it('follows the log with -f until Ctrl+C, then ends successfully', async () => {
    const { out, done } = logs(['-f']);
    await until(async () => out.text() === 'listening\nready\n', 'the log so far');
    await docker('exec', id, 'sh', '-c', 'echo later > /proc/1/fd/1');
    await until(async () => out.text().endsWith('later\n'), 'a line logged while following');
    // The signal itself, to this process: only the command's handler is listening.
    expect(process.listenerCount('SIGINT')).toBe(1);
    process.kill(process.pid, 'SIGINT');
    await done;
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('says so when no controller container is running', async () => {
    await expect(logs([], async () => undefined).done).rejects.toThrow('unable to identify Model Runner container');
  });
});

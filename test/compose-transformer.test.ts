import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeV1Bin } from './helpers/compose-v1.js';
import { dockerModel, pluginConfigDir } from './helpers/docker-model.js';
import { generatedModel } from './helpers/models.js';
import { startRegistry, type RunningRegistry } from './helpers/registry-server.js';
import { type CommandResult, npmRun } from './helpers/run-command.js';
import { repoRoot, startRunner, type RunningRunner } from './helpers/runner-process.js';
import { docker, engineDown, localBaseImage } from './helpers/runner-image.js';

const down = await engineDown();
if (down) console.warn(`compose transformer tests skipped: \`docker info\` failed (${down}); scripts/docker-engine.sh starts an engine`);

/**
 * A service that asks the runner for a chat through each URL it was given (models: and the
 * provider) and prints the statuses. No `$` in it: Compose would interpolate it.
 */
const CHAT_SCRIPT = [
  'const chat = (url, model) => fetch(url + "chat/completions", { method: "POST", headers: { "content-type": "application/json" },',
  '  body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 4 }) }).then((r) => r.status, (e) => "failed " + (e.cause?.code ?? e.message));',
  'Promise.all([chat(process.env.LLM_URL, process.env.LLM_MODEL), chat(process.env.AI_RUNNER_URL, process.env.AI_RUNNER_MODEL)])',
  '  .then(([viaModels, viaProvider]) => console.log("statuses", viaModels, viaProvider, process.env.LLM_MODEL, process.env.AI_RUNNER_MODEL));',
].join('\n');

function chatProject(image: string): string {
  return `# A project Compose 1.29 cannot read by itself: models: and a model provider.
services:
  app:
    image: ${image}
    pull_policy: never
    command: ${JSON.stringify(['node', '-e', CHAT_SCRIPT])}
    models: [llm]
    depends_on: [ai_runner]
  ai_runner:
    provider:
      type: model
      options: {model: ai/tiny, context-size: 512}
models:
  llm:
    model: \${CHAT_MODEL:-ai/tiny}
    context_size: 512
`;
}

let counter = 0;
/** Compose 1.29 keeps only lower-case letters and digits of a project name. */
function projectName(): string {
  return `dmrcompose${process.pid}x${++counter}`;
}

async function leftovers(project: string): Promise<{ containers: string; networks: string }> {
  return {
    containers: await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`),
    networks: await docker('network', 'ls', '-q', '--filter', `name=^${project}_`),
  };
}

/** Removes what a failed test may have left, so one failure does not break the next run. */
async function removeProject(project: string): Promise<void> {
  const { containers, networks } = await leftovers(project);
  if (containers) await docker('rm', '-f', ...containers.split('\n'));
  if (networks) await docker('network', 'rm', ...networks.split('\n'));
}

function lastLine(result: CommandResult): string {
  return result.stderr.trim().split('\n').at(-1) ?? '';
}

describe.skipIf(down)('docker model compose: the transformer, through Compose 1.29', () => {
  let runner: RunningRunner;
  let registry: RunningRegistry;
  let configDir: string;
  let dir: string;
  let image: string;
  let env: Record<string, string>;
  const projects: string[] = [];

  beforeAll(async () => {
    const [v1Bin, config, base] = await Promise.all([composeV1Bin(), pluginConfigDir(), localBaseImage()]);
    configDir = config;
    image = base;
    // Bound to every address: containers reach a runner on this host through the bridge gateway.
    runner = await startRunner({ env: { MODEL_RUNNER_BIND: '0.0.0.0' } });
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--context-size', '512', 'ai/tiny'], { MODEL_RUNNER_HOST: runner.url });
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'compose-transformer-'));
    env = { MODEL_RUNNER_HOST: runner.url, MODEL_RUNNER_COMPOSE: 'docker-compose', PATH: `${v1Bin}:${process.env.PATH}` };
  }, 600_000);

  afterAll(async () => {
    for (const project of projects) await removeProject(project);
    await runner?.[Symbol.asyncDispose]();
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  async function composeFile(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  function newProject(): string {
    const project = projectName();
    projects.push(project);
    return project;
  }

  it('runs a project with models: and a model provider: the service reaches the runner through both URLs, and down leaves nothing', async () => {
    const file = await composeFile('chat.yaml', chatProject(image));
    const project = newProject();
    const up = await dockerModel(configDir, ['compose', 'up', '-f', file, '--', '-p', project, 'up', '--abort-on-container-exit'], env);
    expect(up.stderr).not.toMatch(/error/i);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('statuses 200 200 ai/tiny ai/tiny');
    const containers = (await leftovers(project)).containers.split('\n');
    expect(containers).toHaveLength(1);
    expect(await docker('inspect', '--format', '{{index .Config.Labels "com.docker.compose.version"}}', containers[0]!)).toBe('1.29.2');

    const taken = await dockerModel(configDir, ['compose', 'down', '-f', file, '--', '-p', project], env);
    expect(taken.code).toBe(0);
    expect(await leftovers(project)).toEqual({ containers: '', networks: '' });
  }, 180_000);

  it('runs the same file through Compose 2.40.3 when it is the Compose found', async () => {
    const file = await composeFile('chat-v2.yaml', chatProject(image));
    const project = newProject();
    const { MODEL_RUNNER_COMPOSE: _v1, ...v2Env } = env;
    const up = await dockerModel(configDir, ['compose', 'up', '-f', file, '--', '-p', project, 'up', '--abort-on-container-exit'], v2Env);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('statuses 200 200 ai/tiny ai/tiny');
    expect((await dockerModel(configDir, ['compose', 'down', '-f', file, '--', '-p', project], v2Env)).code).toBe(0);
    expect(await leftovers(project)).toEqual({ containers: '', networks: '' });
  }, 180_000);

  it('prints the transformed file with compose config', async () => {
    const file = await composeFile('config.yaml', chatProject(image));
    const result = await dockerModel(configDir, ['compose', 'config', '-f', file], env);
    expect(result.code).toBe(0);
    const printed = parse(result.stdout) as { services: Record<string, { environment: Record<string, string>; extra_hosts: string[] }>; 'x-models': unknown };
    const port = new URL(runner.url).port;
    expect(Object.keys(printed.services)).toEqual(['app']);
    expect(printed.services.app!.environment).toEqual({
      LLM_URL: `http://model-runner.docker.internal:${port}/engines/v1/`,
      LLM_MODEL: '${CHAT_MODEL:-ai/tiny}',
      AI_RUNNER_URL: `http://model-runner.docker.internal:${port}/engines/v1/`,
      AI_RUNNER_MODEL: 'ai/tiny',
    });
    expect(printed.services.app!.extra_hosts).toEqual(['model-runner.docker.internal:host-gateway']);
    expect(result.stdout).toContain('# A project Compose 1.29 cannot read by itself');
  });

  it('reads the file from stdin with -f -', async () => {
    const result = await dockerModel(configDir, ['compose', 'config', '-f', '-'], env, 'services:\n  app: {image: app, models: [chat-model]}\nmodels:\n  chat-model: {model: ai/tiny}\n');
    expect(result.code).toBe(0);
    expect(parse(result.stdout)).toMatchObject({ services: { app: { environment: { CHAT_MODEL_MODEL: 'ai/tiny' } } }, 'x-models': { 'chat-model': { model: 'ai/tiny' } } });
  });

  const examples: Array<[string, Record<string, string>]> = [
    ['chat', { LLM_MODEL: 'ai/smollm2' }],
    ['embeddings-chat', { 'MY_EMBEDDER.V1_MODEL': 'ai/all-minilm', CHAT_MODEL_NAME: 'ai/smollm2' }],
    ['provider', { AI_RUNNER_MODEL: 'ai/smollm2' }],
    ['desktop-style', { MODEL: 'ai/smollm2' }],
  ];
  it.each(examples)('hands the %s example to Compose 1.29 and 2.40.3 in a form both accept', async (example, variables) => {
    const file = join(repoRoot, 'compose', example, 'compose.yaml');
    const { MODEL_RUNNER_COMPOSE: _v1, ...v2Env } = env;
    for (const composeEnv of [env, v2Env]) {
      const result = await dockerModel(configDir, ['compose', 'up', '-f', file, '--', 'config'], composeEnv);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const config = parse(result.stdout) as { services: { app: { environment: Record<string, string>; build: { context: string } } } };
      expect(config.services.app.environment).toMatchObject(variables);
      expect(config.services.app.build.context).toBe(join(repoRoot, 'compose', 'app'));
    }
  });

  describe('refuses bad input with one line before Compose runs, leaving no project', () => {
    const cases: Array<[string, (image: string, registry: RunningRegistry) => string, RegExp]> = [
      ['an undefined model key', (image) => `services:\n  app: {image: ${image}, pull_policy: never, models: [nope]}\nmodels:\n  llm: {model: ai/tiny}\n`, /^service "app" refers to undefined model nope: invalid compose project$/],
      [
        'a model missing from the registry',
        (image, registry) => `services:\n  app: {image: ${image}, pull_policy: never, command: ["true"], models: [llm]}\nmodels:\n  llm: {model: ${registry.host}/ai/missing}\n`,
        /^Failed to pull model: .*(not found|unknown)/i,
      ],
      ['a malformed file', () => 'services:\n  app: [\n', /^\/.*malformed\.yaml: Flow sequence in block collection/],
    ];
    it.each(cases)('%s', async (name, text, message) => {
      const file = await composeFile(name === 'a malformed file' ? 'malformed.yaml' : `${name.replaceAll(' ', '-')}.yaml`, text(image, registry));
      const project = newProject();
      const result = await dockerModel(configDir, ['compose', 'up', '-f', file, '--', '-p', project, 'up', '-d'], env);
      expect(result.code).toBe(1);
      expect(lastLine(result)).toMatch(message);
      expect(result.stdout).toBe('');
      expect(await leftovers(project)).toEqual({ containers: '', networks: '' });
    }, 60_000);
  });

  describe('with a host port already taken', () => {
    let busy: Server;
    beforeAll(async () => {
      busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

    it('takes down a project whose up failed once started', async () => {
      const port = (busy.address() as AddressInfo).port;
      const file = await composeFile(
        'half-up.yaml',
        `services:
  first:
    image: ${image}
    pull_policy: never
    command: ["sleep", "300"]
    models: [llm]
  second:
    image: ${image}
    pull_policy: never
    command: ["sleep", "300"]
    depends_on: [first]
    ports: ["127.0.0.1:${port}:80"]
models:
  llm: {model: ai/tiny}
`,
      );
      const project = newProject();
      const result = await dockerModel(configDir, ['compose', 'up', '-f', file, '--', '-p', project, 'up', '-d'], env);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/compose up failed \(exit status \d+\): taking the project down/);
      expect(await leftovers(project)).toEqual({ containers: '', networks: '' });
    }, 120_000);
  });
});

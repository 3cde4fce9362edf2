import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model, ProgressMessage } from '../src/api/dmr-types.js';
import { generatedModel } from './helpers/models.js';
import { postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { progressLines } from './helpers/progress-lines.js';
import { startRedirectingFront, type RedirectingFront } from './helpers/redirecting-front.js';
import { startRegistry, tokenService, type RunningRegistry } from './helpers/registry-server.js';
import { npmRun } from './helpers/run-command.js';
import { startRunner, type RunningRunner, type StartOptions } from './helpers/runner-process.js';

interface Credentials {
  username: string;
  password: string;
}

interface Outcome {
  status: number;
  contentType: string;
  text: string;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function basic({ username, password }: Credentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

async function outcome(response: Response): Promise<Outcome> {
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The progress lines of a streamed pull or push answer, as DMR's CLI reads them. */
function lines({ text, contentType }: Outcome): Promise<ProgressMessage[]> {
  return progressLines(new Response(text, { headers: { 'content-type': contentType } }));
}

function pull(runner: RunningRunner, from: string, extra: Record<string, string> = {}): Promise<Outcome> {
  return postJson(runner, '/models/create', { from, ...extra }).then(outcome);
}

async function listModels(runner: RunningRunner): Promise<Model[]> {
  return (await fetch(`${runner.url}/models`)).json() as Promise<Model[]>;
}

async function inspect(runner: RunningRunner, reference: string): Promise<Model> {
  const response = await fetch(`${runner.url}/models/${reference}`);
  expect(response.status, `GET /models/${reference}`).toBe(200);
  return response.json() as Promise<Model>;
}

async function tag(runner: RunningRunner, source: string, name: string): Promise<void> {
  const colon = name.lastIndexOf(':');
  const response = await fetch(`${runner.url}/models/${source}/tag?repo=${name.slice(0, colon)}&tag=${name.slice(colon + 1)}`, { method: 'POST' });
  expect(response.status, `tag ${source} as ${name}: ${await response.clone().text()}`).toBe(201);
}

/** The manifest a registry serves for `repository:reference`, read with the registry's own credentials. */
async function registryManifest(registry: RunningRegistry, repository: string, reference: string): Promise<{ status: number; blobs: string[] }> {
  const headers: Record<string, string> = { accept: OCI_MANIFEST };
  if (registry.tokenRealm) headers.authorization = `Bearer ${await fetchToken(registry, `repository:${repository}:pull`)}`;
  else if (registry.credentials) headers.authorization = basic(registry.credentials);
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, { headers });
  if (!response.ok) return { status: response.status, blobs: [] };
  const manifest = (await response.json()) as { config: { digest: string }; layers: Array<{ digest: string }> };
  return { status: response.status, blobs: [manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)] };
}

/** A token from the registry's token service for the registry's user, as `docker login` clients get one. */
async function fetchToken(registry: RunningRegistry, scope: string): Promise<string> {
  const url = new URL(registry.tokenRealm!);
  url.searchParams.set('service', tokenService);
  url.searchParams.set('scope', scope);
  const response = await fetch(url, { headers: { authorization: basic(registry.credentials!) } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

function newEntries<T>(log: readonly T[], from: number): T[] {
  return log.slice(from);
}

describe('registry authentication', () => {
  let basicRegistry: RunningRegistry;
  let tokenRegistry: RunningRegistry;
  let privateRegistry: RunningRegistry;
  let front: RedirectingFront;
  let workDir: string;
  /** DOCKER_CONFIG with `auths` for every registry above and the front. */
  let credentialsDir: string;
  /** Has `ai/tiny`, `ai/tiny-embed` and `ai/tiny-licensed` (4 blobs); credentials for every registry. */
  let source: RunningRunner;
  /** Has `ai/tiny` (loaded from `source`) and no credentials at all. */
  let anonymous: RunningRunner;
  let tinyId: string;
  const runners: RunningRunner[] = [];
  const pushes = new Map<string, Promise<Outcome>>();

  async function freshRunner(options: StartOptions = {}): Promise<RunningRunner> {
    const runner = await startRunner(options);
    runners.push(runner);
    return runner;
  }

  const withCredentials = (): Promise<RunningRunner> => freshRunner({ env: { DOCKER_CONFIG: credentialsDir } });

  /** Pushes a model of `source` under `name` once per test file; tests that need it in a registry share the push. */
  function pushedOnce(name: string, model = 'ai/tiny'): Promise<Outcome> {
    let pushed = pushes.get(name);
    if (!pushed) {
      pushed = (async () => {
        await tag(source, model, name);
        return outcome(await postJson(source, `/models/${name}/push`, {}, { headers: { accept: 'application/json' } }));
      })();
      pushes.set(name, pushed);
    }
    return pushed;
  }

  async function expectPushed(name: string, model?: string): Promise<void> {
    const pushed = await pushedOnce(name, model);
    expect(pushed.status, pushed.text).toBe(200);
    expect((await lines(pushed)).at(-1), pushed.text).toMatchObject({ type: 'success', message: 'Model pushed successfully', mode: 'push' });
  }

  async function expectPulled(pulled: Outcome): Promise<void> {
    expect(pulled.status, pulled.text).toBe(200);
    expect((await lines(pulled)).at(-1), pulled.text).toMatchObject({ type: 'success', message: 'Model pulled successfully', mode: 'pull' });
  }

  function expectUnauthorized(answer: Outcome): void {
    expect(answer.status, answer.text).toBe(401);
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(answer.text).toMatch(/^Unauthorized/);
  }

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'registry-auth-test-'));
    [basicRegistry, tokenRegistry, privateRegistry] = await Promise.all([
      startRegistry({ auth: 'htpasswd' }),
      startRegistry({ auth: 'token' }),
      startRegistry({ auth: 'token', anonymousPull: false }),
    ]);
    front = await startRedirectingFront({ registryUrl: basicRegistry.url, credentials: basicRegistry.credentials! });
    credentialsDir = join(workDir, 'docker-config');
    await mkdir(credentialsDir);
    const logins: Array<[string, Credentials]> = [
      [basicRegistry.host, basicRegistry.credentials!],
      [front.host, basicRegistry.credentials!],
      [tokenRegistry.host, tokenRegistry.credentials!],
      [privateRegistry.host, privateRegistry.credentials!],
    ];
    const auths = Object.fromEntries(logins.map(([host, credentials]) => [host, { auth: basic(credentials).slice('Basic '.length) }]));
    await writeFile(join(credentialsDir, 'config.json'), JSON.stringify({ auths }));

    [source, anonymous] = await Promise.all([runnerWithTinyModels({ env: { DOCKER_CONFIG: credentialsDir } }), startRunner()]);
    const licenses = [join(workDir, 'LICENSE'), join(workDir, 'NOTICE')];
    await Promise.all(licenses.map((file, index) => writeFile(file, `license text ${index}\n`)));
    await npmRun('package', ['--gguf', await generatedModel('tiny', 'q8_0'), '--license', licenses[0]!, '--license', licenses[1]!, 'ai/tiny-licensed'], {
      MODEL_RUNNER_HOST: source.url,
    });
    tinyId = (await inspect(source, 'ai/tiny')).id;
    const archive = await fetch(`${source.url}/models/ai/tiny/export`);
    const loaded = await fetch(`${anonymous.url}/models/load`, { method: 'POST', headers: { 'content-type': 'application/x-tar' }, body: await archive.arrayBuffer() });
    expect(loaded.status).toBe(200);
    await tag(anonymous, tinyId, 'ai/tiny:latest');
  }, 120_000);

  afterAll(async () => {
    await Promise.all([source, anonymous, ...runners].map((runner) => runner?.[Symbol.asyncDispose]()));
    await Promise.all([basicRegistry?.stop(), tokenRegistry?.stop(), privateRegistry?.stop(), front?.close()]);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  describe('with Basic authentication (htpasswd)', () => {
    it('answers a pull without credentials with 401 Unauthorized and leaves the store as it was', async () => {
      await expectPushed(`${basicRegistry.host}/auth/tiny:v1`);
      const before = await listModels(anonymous);
      expectUnauthorized(await pull(anonymous, `${basicRegistry.host}/auth/tiny:v1`));
      expect(await listModels(anonymous)).toEqual(before);
    });

    it('answers a push without credentials with 401 before streaming, and the registry gets nothing', async () => {
      const name = `${basicRegistry.host}/auth/anonymous:v1`;
      await tag(anonymous, 'ai/tiny', name);
      expectUnauthorized(await postJson(anonymous, `/models/${name}/push`, {}).then(outcome));
      expect((await registryManifest(basicRegistry, 'auth/anonymous', 'v1')).status).toBe(404);
    });

    it('pushes with credentials from the Docker config auths, and a second runner with that config pulls the same model', async () => {
      const name = `${basicRegistry.host}/auth/tiny:v1`;
      await expectPushed(name);
      const target = await withCredentials();
      await expectPulled(await pull(target, name));
      const copy = await inspect(target, name);
      expect(copy.id).toBe(tinyId);
      expect(copy.tags).toEqual([name]);
    });

    it('pulls with the credentials a credential helper from credHelpers prints', async () => {
      const name = `${basicRegistry.host}/auth/tiny:v1`;
      await expectPushed(name);
      const binDir = join(workDir, 'helper-bin');
      const helperConfig = join(workDir, 'helper-config');
      const calls = join(workDir, 'helper-calls.log');
      const { username, password } = basicRegistry.credentials!;
      await Promise.all([mkdir(binDir), mkdir(helperConfig)]);
      const script = [
        '#!/bin/sh',
        '[ "$1" = get ] || exit 1',
        'server=$(cat)',
        `printf '%s\\n' "$server" >> '${calls}'`,
        `printf '{"ServerURL":"%s","Username":"${username}","Secret":"${password}"}\\n' "$server"`,
        '',
      ].join('\n');
      await writeFile(join(binDir, 'docker-credential-fake'), script);
      await chmod(join(binDir, 'docker-credential-fake'), 0o755);
      await writeFile(join(helperConfig, 'config.json'), JSON.stringify({ credHelpers: { [basicRegistry.host]: 'fake' } }));

      const target = await freshRunner({ env: { DOCKER_CONFIG: helperConfig, PATH: `${binDir}:${process.env.PATH ?? ''}` } });
      await expectPulled(await pull(target, name));
      expect((await inspect(target, name)).id).toBe(tinyId);
      const asked = (await readFile(calls, 'utf8')).split('\n').filter(Boolean);
      expect(asked.length).toBeGreaterThan(0);
      expect(new Set(asked)).toEqual(new Set([basicRegistry.host]));
      expect(target.logs.join('\n')).not.toContain(password);
    });

    describe('when the registry redirects blob downloads to another origin', () => {
      it('downloads the blobs there without sending the registry credentials along', async () => {
        await expectPushed(`${basicRegistry.host}/auth/tiny:v1`);
        const { blobs } = await registryManifest(basicRegistry, 'auth/tiny', 'v1');
        const name = `${front.host}/auth/tiny:v1`;
        const target = await withCredentials();
        const frontFrom = front.requests.length;
        const cdnFrom = front.cdn.requests.length;

        await expectPulled(await pull(target, name));
        expect((await inspect(target, name)).id).toBe(tinyId);

        const cdnSeen = newEntries(front.cdn.requests, cdnFrom);
        const blobPath = (digest: string) => `/v2/auth/tiny/blobs/${digest}`;
        expect(new Set(cdnSeen.map((seen) => new URL(seen.path, front.cdn.url).pathname))).toEqual(new Set(blobs.map(blobPath)));
        expect(cdnSeen.every((seen) => new URL(seen.path, front.cdn.url).searchParams.get('signature') === 'test')).toBe(true);
        expect(cdnSeen.filter((seen) => seen.headers.authorization !== undefined)).toEqual([]);

        const registrySeen = newEntries(front.requests, frontFrom);
        const blobGets = registrySeen.filter((seen) => seen.method === 'GET' && seen.path.includes('/blobs/'));
        expect(new Set(blobGets.map((seen) => seen.path))).toEqual(new Set(blobs.map(blobPath)));
        const expected = basic(basicRegistry.credentials!);
        expect(blobGets.map((seen) => seen.headers.authorization)).toEqual(blobGets.map(() => expected));
        expect(registrySeen.some((seen) => seen.path.includes('/manifests/') && seen.headers.authorization === expected)).toBe(true);
      });
    });
  });

  describe('with token authentication', () => {
    it('pulls anonymously with an anonymous token', async () => {
      const name = `${tokenRegistry.host}/auth/tiny:v1`;
      await expectPushed(name);
      const target = await freshRunner();
      const from = tokenRegistry.tokenRequests!.length;
      await expectPulled(await pull(target, name));
      expect((await inspect(target, name)).id).toBe(tinyId);
      expect(newEntries(tokenRegistry.tokenRequests!, from)).toEqual([{ authorization: false, scopes: ['repository:auth/tiny:pull'], status: 200 }]);
    });

    it('answers a push without credentials with 401 Unauthorized before streaming', async () => {
      const name = `${tokenRegistry.host}/auth/anonymous:v1`;
      await tag(anonymous, 'ai/tiny', name);
      expectUnauthorized(await postJson(anonymous, `/models/${name}/push`, {}).then(outcome));
      expect((await registryManifest(tokenRegistry, 'auth/anonymous', 'v1')).status).toBe(404);
    });

    it('pushes with credentials from the Docker config', async () => {
      const name = `${tokenRegistry.host}/auth/pushed:v1`;
      const from = tokenRegistry.tokenRequests!.length;
      await expectPushed(name);
      const requests = newEntries(tokenRegistry.tokenRequests!, from);
      expect(requests.some((request) => request.authorization === tokenRegistry.credentials!.username && request.scopes.join(' ').includes('repository:auth/pushed:pull,push'))).toBe(true);
      expect(requests.every((request) => request.status === 200)).toBe(true);
      expect((await registryManifest(tokenRegistry, 'auth/pushed', 'v1')).status).toBe(200);
      expect(source.logs.join('\n')).not.toContain(tokenRegistry.credentials!.password);
    });

    it('asks the token service once per pull however many blobs the model has', async () => {
      const name = `${tokenRegistry.host}/auth/licensed:v1`;
      await expectPushed(name, 'ai/tiny-licensed');
      const { blobs } = await registryManifest(tokenRegistry, 'auth/licensed', 'v1');
      expect(blobs.length).toBe(4);
      const target = await withCredentials();
      const from = tokenRegistry.tokenRequests!.length;
      const logFrom = tokenRegistry.accessLog.length;

      await expectPulled(await pull(target, name));

      const requests = newEntries(tokenRegistry.tokenRequests!, from);
      expect(requests).toEqual([{ authorization: tokenRegistry.credentials!.username, scopes: ['repository:auth/licensed:pull'], status: 200 }]);
      // Every blob was really fetched from the registry, with that one token.
      await expect.poll(() => newEntries(tokenRegistry.accessLog, logFrom).filter((line) => /"GET \/v2\/auth\/licensed\/blobs\/sha256:[0-9a-f]+ HTTP\/1\.1" 200 /.test(line)).length).toBe(4);
    });
  });

  describe('with token authentication that refuses anonymous pulls', () => {
    it('answers a pull without credentials with 401 Unauthorized', async () => {
      const name = `${privateRegistry.host}/auth/tiny:v1`;
      await expectPushed(name);
      const before = await listModels(anonymous);
      expectUnauthorized(await pull(anonymous, name));
      expect(await listModels(anonymous)).toEqual(before);
    });

    it("pulls with the request's bearer-token as given, asking the token service nothing", async () => {
      const name = `${privateRegistry.host}/auth/tiny:v1`;
      await expectPushed(name);
      const token = await fetchToken(privateRegistry, 'repository:auth/tiny:pull');
      const target = await freshRunner();
      const from = privateRegistry.tokenRequests!.length;
      await expectPulled(await pull(target, name, { 'bearer-token': token }));
      expect((await inspect(target, name)).id).toBe(tinyId);
      expect(newEntries(privateRegistry.tokenRequests!, from)).toEqual([]);
      expect(target.logs.join('\n')).not.toContain(token);
    });
  });
});

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRunnerError } from '../shared/errors.js';
import { dockerConfigCredentials, type CredentialLookup } from './docker-credentials.js';

const SECRET = 's3cr3t-value';

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (thrown: unknown) => thrown);
  expect(isRunnerError(error, 'internal'), `expected an internal RunnerError, got ${String(error)}`).toBe(true);
  return error as Error;
}

describe('dockerConfigCredentials', () => {
  let root: string;
  let configDir: string;
  let bin: string;
  let lookup: CredentialLookup;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'docker-credentials-'));
    configDir = join(root, 'docker');
    bin = join(root, 'bin');
    await mkdir(configDir);
    await mkdir(bin);
    lookup = dockerConfigCredentials({ configDir, path: `${bin}:/usr/bin:/bin` });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function writeConfig(config: unknown): Promise<void> {
    await writeFile(join(configDir, 'config.json'), JSON.stringify(config));
  }

  /** A helper that answers only for `expectedUrl` on stdin, as real helpers are asked. */
  async function writeHelper(name: string, expectedUrl: string, body: string): Promise<void> {
    const script = [
      '#!/bin/sh',
      '[ "$1" = get ] || { echo "unexpected action $1" >&2; exit 2; }',
      'url=$(cat)',
      `[ "$url" = '${expectedUrl}' ] || { echo "unexpected server URL $url" >&2; exit 3; }`,
      body,
    ].join('\n');
    const file = join(bin, `docker-credential-${name}`);
    await writeFile(file, `${script}\n`);
    await chmod(file, 0o755);
  }

  it('decodes the base64 auth of an auths entry', async () => {
    await writeConfig({ auths: { 'ghcr.io': { auth: base64(`octocat:${SECRET}:with-colon`) } } });
    await expect(lookup('ghcr.io')).resolves.toEqual({ kind: 'basic', username: 'octocat', password: `${SECRET}:with-colon` });
  });

  it('uses username and password fields of an auths entry', async () => {
    await writeConfig({ auths: { 'ghcr.io': { username: 'octocat', password: SECRET } } });
    await expect(lookup('ghcr.io')).resolves.toEqual({ kind: 'basic', username: 'octocat', password: SECRET });
  });

  it('prefers an identity token over the auth of the same entry', async () => {
    await writeConfig({ auths: { 'ghcr.io': { auth: base64('octocat:pw'), identitytoken: 'refresh-token' } } });
    await expect(lookup('ghcr.io')).resolves.toEqual({ kind: 'identity-token', identityToken: 'refresh-token' });
  });

  it.each(['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'])(
    'finds Docker Hub credentials filed under %s for docker.io',
    async (key) => {
      await writeConfig({ auths: { [key]: { auth: base64('hubuser:pw') } } });
      await expect(lookup('docker.io')).resolves.toEqual({ kind: 'basic', username: 'hubuser', password: 'pw' });
    },
  );

  it('prefers the canonical Docker Hub key over other Hub keys', async () => {
    await writeConfig({
      auths: { 'docker.io': { auth: base64('other:pw') }, 'https://index.docker.io/v1/': { auth: base64('canonical:pw') } },
    });
    await expect(lookup('docker.io')).resolves.toMatchObject({ username: 'canonical' });
  });

  it.each(['https://127.0.0.1:5000', 'http://127.0.0.1:5000/v1/', '127.0.0.1:5000'])(
    'matches the key %s for a registry with a port',
    async (key) => {
      await writeConfig({ auths: { '127.0.0.1': { auth: base64('noport:pw') }, [key]: { auth: base64('local:pw') } } });
      await expect(lookup('127.0.0.1:5000')).resolves.toMatchObject({ username: 'local' });
    },
  );

  it('finds nothing for a host that only shares a name with a key', async () => {
    await writeConfig({ auths: { '127.0.0.1:5001': { auth: base64('a:b') }, 'https://ghcr.io.evil': { auth: base64('c:d') } } });
    await expect(lookup('127.0.0.1:5000')).resolves.toBeUndefined();
    await expect(lookup('ghcr.io')).resolves.toBeUndefined();
    await expect(lookup('docker.io')).resolves.toBeUndefined();
  });

  it('asks a credHelpers helper before the credsStore and auths', async () => {
    await writeHelper('local', '127.0.0.1:5000', `echo '{"ServerURL":"127.0.0.1:5000","Username":"helped","Secret":"pw"}'`);
    await writeHelper('store', '127.0.0.1:5000', 'echo store was asked >&2; exit 1');
    await writeConfig({
      credHelpers: { '127.0.0.1:5000': 'local' },
      credsStore: 'store',
      auths: { '127.0.0.1:5000': { auth: base64('filed:pw') } },
    });
    await expect(lookup('127.0.0.1:5000')).resolves.toEqual({ kind: 'basic', username: 'helped', password: 'pw' });
  });

  it('gives a helper the Docker Hub server URL for docker.io', async () => {
    await writeHelper('hub', 'https://index.docker.io/v1/', `echo '{"Username":"hubuser","Secret":"pw"}'`);
    await writeConfig({ credHelpers: { 'docker.io': 'hub' } });
    await expect(lookup('docker.io')).resolves.toEqual({ kind: 'basic', username: 'hubuser', password: 'pw' });
  });

  it('uses the credsStore and reads a <token> username as an identity token', async () => {
    await writeHelper('desktop', 'ghcr.io', `echo '{"ServerURL":"ghcr.io","Username":"<token>","Secret":"refresh"}'`);
    await writeConfig({ credsStore: 'desktop', auths: { 'ghcr.io': {} } });
    await expect(lookup('ghcr.io')).resolves.toEqual({ kind: 'identity-token', identityToken: 'refresh' });
  });

  it('falls back to auths when the helper has no credentials', async () => {
    await writeHelper('desktop', 'ghcr.io', 'echo "credentials not found in native keychain"; exit 1');
    await writeConfig({ credsStore: 'desktop', auths: { 'ghcr.io': { auth: base64('filed:pw') } } });
    await expect(lookup('ghcr.io')).resolves.toEqual({ kind: 'basic', username: 'filed', password: 'pw' });
  });

  it('finds nothing when the helper has no credentials and auths has none', async () => {
    await writeHelper('desktop', 'quay.io', 'echo "credentials not found in native keychain"; exit 1');
    await writeConfig({ credsStore: 'desktop', auths: { 'quay.io': {} } });
    await expect(lookup('quay.io')).resolves.toBeUndefined();
  });

  it('reports a failing helper by name with its stderr and without the secret', async () => {
    await writeHelper('broken', 'ghcr.io', `echo '{"Username":"u","Secret":"${SECRET}"}'; echo '  keychain is locked  ' >&2; exit 1`);
    await writeConfig({ credsStore: 'broken', auths: { 'ghcr.io': { auth: base64(`u:${SECRET}`) } } });
    const error = await caught(lookup('ghcr.io'));
    expect(error.message).toContain('docker-credential-broken');
    expect(error.message).toContain('exited with status 1');
    expect(error.message).toContain(': keychain is locked');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports a helper that prints JSON with its secret and fails without the secret', async () => {
    await writeHelper('leaky', 'ghcr.io', `echo '{"Username":"u","Secret":"${SECRET}"}'; exit 1`);
    await writeConfig({ credsStore: 'leaky' });
    const error = await caught(lookup('ghcr.io'));
    expect(error.message).toContain('docker-credential-leaky exited with status 1');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports invalid helper output without repeating it', async () => {
    await writeHelper('garbled', 'ghcr.io', `echo 'Secret: ${SECRET}'`);
    await writeConfig({ credsStore: 'garbled' });
    const error = await caught(lookup('ghcr.io'));
    expect(error.message).toContain('docker-credential-garbled printed invalid JSON');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports a helper that is not on PATH', async () => {
    await writeConfig({ credsStore: 'missing' });
    const error = await caught(lookup('ghcr.io'));
    expect(error.message).toContain('docker-credential-missing is not on PATH');
  });

  it('stops a helper that does not answer in time', async () => {
    await writeHelper('slow', 'ghcr.io', 'exec sleep 10');
    await writeConfig({ credsStore: 'slow' });
    const slowLookup = dockerConfigCredentials({ configDir, path: `${bin}:/usr/bin:/bin`, timeoutMs: 200 });
    const started = Date.now();
    const error = await caught(slowLookup('ghcr.io'));
    expect(error.message).toContain('docker-credential-slow timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('finds nothing when there is no config file', async () => {
    await expect(lookup('docker.io')).resolves.toBeUndefined();
    await expect(dockerConfigCredentials({ configDir: join(root, 'absent') })('ghcr.io')).resolves.toBeUndefined();
  });

  it('rereads the config on every lookup', async () => {
    await expect(lookup('ghcr.io')).resolves.toBeUndefined();
    await writeConfig({ auths: { 'ghcr.io': { auth: base64('later:pw') } } });
    await expect(lookup('ghcr.io')).resolves.toMatchObject({ username: 'later' });
  });

  it('reports invalid JSON naming the file without quoting it', async () => {
    await writeFile(join(configDir, 'config.json'), `{"auths": {"ghcr.io": {"auth": "${SECRET}"}}`);
    const error = await caught(lookup('ghcr.io'));
    expect(error.message).toContain(join(configDir, 'config.json'));
    expect(error.message).not.toContain(SECRET);
  });

  it('reports a config of the wrong shape naming the file and field', async () => {
    await writeConfig({ auths: { 'ghcr.io': { auth: 42 } } });
    const error = await caught(lookup('ghcr.io'));
    expect(error.message).toContain(join(configDir, 'config.json'));
    expect(error.message).toContain('auths.ghcr.io.auth');
  });

  it('reports an auth that is not user:password', async () => {
    await writeConfig({ auths: { 'ghcr.io': { auth: base64('no-colon') } } });
    const error = await caught(lookup('ghcr.io'));
    expect(error.message).toContain('"auth" for ghcr.io');
    expect(error.message).not.toContain('no-colon');
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startCountingProxy } from './helpers/counting-proxy.js';
import { startRegistry, tokenService } from './helpers/registry-server.js';

const repo = 'test/model';

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function basic(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Monolithic upload: POST opens a session, one PUT with ?digest= carries the bytes and commits. */
async function pushBlob(baseUrl: string, data: Buffer, headers: Record<string, string> = {}): Promise<string> {
  const digest = digestOf(data);
  const opened = await fetch(`${baseUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
  expect(opened.status).toBe(202);
  const location = new URL(opened.headers.get('location')!, baseUrl);
  location.searchParams.set('digest', digest);
  const committed = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: data,
  });
  expect(committed.status).toBe(201);
  return digest;
}

async function getBlob(baseUrl: string, digest: string): Promise<Buffer> {
  const res = await fetch(`${baseUrl}/v2/${repo}/blobs/${digest}`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('test registry helpers', () => {
  it('stores a blob, serves it through the counting proxy and answers a Range request with 206', async () => {
    await using registry = await startRegistry();
    await using proxy = await startCountingProxy(registry.url);
    const data = randomBytes(1000);
    const digest = await pushBlob(proxy.url, data);

    expect(await getBlob(proxy.url, digest)).toEqual(data);
    expect(proxy.bytesFor(digest)).toBe(1000);

    const ranged = await fetch(`${proxy.url}/v2/${repo}/blobs/${digest}`, { headers: { range: 'bytes=10-' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 10-999/1000');
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(data.subarray(10));
    expect(proxy.bytesFor(digest)).toBe(1990);
    expect(proxy.requests.find((r) => r.range)).toMatchObject({ method: 'GET', range: 'bytes=10-', status: 206, bodyBytes: 990 });
  });

  it('asks for Basic credentials on an htpasswd registry and accepts the right ones', async () => {
    await using registry = await startRegistry({ auth: 'htpasswd' });
    const anonymous = await fetch(`${registry.url}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    const authorized = await fetch(`${registry.url}/v2/`, { headers: { authorization: basic(registry.credentials!) } });
    expect(authorized.status).toBe(200);
  });

  it('issues Bearer tokens that let the user push and anonymous callers only pull', async () => {
    await using registry = await startRegistry({ auth: 'token' });
    const challenged = await fetch(`${registry.url}/v2/${repo}/manifests/latest`);
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('www-authenticate')).toBe(
      `Bearer realm="${registry.tokenRealm}",service="${tokenService}",scope="repository:${repo}:pull"`,
    );

    const tokenUrl = `${registry.tokenRealm}?service=${tokenService}&scope=${encodeURIComponent(`repository:${repo}:pull,push`)}`;
    const tokenFor = async (headers: Record<string, string>) => ((await (await fetch(tokenUrl, { headers })).json()) as { token: string }).token;
    const userToken = await tokenFor({ authorization: basic(registry.credentials!) });
    const pushed = await fetch(`${registry.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${userToken}` } });
    expect(pushed.status).toBe(202);

    const anonymousToken = await tokenFor({});
    const refused = await fetch(`${registry.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${anonymousToken}` } });
    expect([401, 403]).toContain(refused.status);

    const wrong = await fetch(tokenUrl, { headers: { authorization: basic({ username: 'model-runner', password: 'wrong' }) } });
    expect(wrong.status).toBe(401);
    expect(registry.tokenRequests).toEqual([
      { authorization: 'model-runner', scopes: [`repository:${repo}:pull,push`], status: 200 },
      { authorization: false, scopes: [`repository:${repo}:pull,push`], status: 200 },
      { authorization: 'model-runner', scopes: [`repository:${repo}:pull,push`], status: 401 },
    ]);
  });

  it('keeps stored blobs across kill and restart', async () => {
    await using registry = await startRegistry();
    const data = randomBytes(2048);
    const digest = await pushBlob(registry.url, data);
    await registry.kill();
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
    await registry.restart();
    expect(await getBlob(registry.url, digest)).toEqual(data);
  });

  it('breaks a held download when the registry is killed, and serves the blob again after restart', async () => {
    await using registry = await startRegistry();
    await using proxy = await startCountingProxy(registry.url);
    const data = randomBytes(4 * 1024 * 1024);
    const digest = await pushBlob(registry.url, data);

    const { held } = proxy.holdAfter(digest, 64 * 1024);
    const res = await fetch(`${proxy.url}/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(200);
    const body = res.arrayBuffer();
    body.catch(() => {});
    await held;
    await registry.kill();
    await expect(body).rejects.toThrow();
    expect(proxy.bytesFor(digest)).toBe(64 * 1024);

    const whileDown = await fetch(`${proxy.url}/v2/${repo}/blobs/${digest}`);
    expect(whileDown.status).toBe(502);
    await registry.restart();
    // Compare digests: vitest's deep equality on 4 MiB buffers takes many seconds.
    expect(digestOf(await getBlob(proxy.url, digest))).toBe(digest);
  });
});

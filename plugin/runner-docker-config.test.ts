import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runnerDockerConfig } from './runner-docker-config.js';

describe("the Docker config install-runner puts in the runner container", () => {
  const dirs: string[] = [];
  const savedPath = process.env.PATH;
  afterEach(async () => {
    process.env.PATH = savedPath;
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("resolves credential helpers on the host, so the container needs none, and keeps plain auths", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-docker-config-'));
    dirs.push(dir);
    // A credential helper as docker-credential-helpers write them: `get`, the server URL on stdin.
    await writeFile(join(dir, 'docker-credential-team'), '#!/bin/sh\nread server\nprintf \'{"ServerURL":"%s","Username":"ci","Secret":"s3cret"}\' "$server"\n');
    await chmod(join(dir, 'docker-credential-team'), 0o755);
    process.env.PATH = `${dir}:${savedPath}`;
    const basic = Buffer.from('u:p').toString('base64');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { 'localhost:5000': { auth: basic } }, credHelpers: { 'registry.team.example': 'team' } }));
    const config = JSON.parse((await runnerDockerConfig(dir))!.toString()) as Record<string, unknown>;
    expect(config).toEqual({
      auths: {
        'localhost:5000': { auth: basic },
        'registry.team.example': { auth: Buffer.from('ci:s3cret').toString('base64') },
      },
    });
  });

  it('is nothing when the user has no Docker config', async () => {
    expect(await runnerDockerConfig('/nonexistent')).toBeUndefined();
  });
});

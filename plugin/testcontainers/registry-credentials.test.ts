import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { dockerConfigCredentials, type RegistryCredentials } from '../../src/distribution/docker-credentials.js';
import { registryCredentialsConfig } from './registry-credentials.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** What the runner in the container reads back from the file, as it reads any Docker config. */
async function readBack(config: Buffer, registry: string): Promise<RegistryCredentials | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'testcontainers-credentials-'));
  dirs.push(dir);
  await writeFile(join(dir, 'config.json'), config);
  return dockerConfigCredentials({ configDir: dir })(registry);
}

it("gives the container the user's credentials for each model's registry, and nothing for others", async () => {
  const known: Record<string, RegistryCredentials> = {
    'registry.example:5000': { kind: 'basic', username: 'ci', password: 'p:a:ss' },
    'index.docker.io': { kind: 'identity-token', identityToken: 'refresh-me' },
    'other.example': { kind: 'basic', username: 'no', password: 'no' },
  };
  const asked: string[] = [];
  const lookup = async (registry: string) => {
    asked.push(registry);
    return known[registry];
  };
  const config = await registryCredentialsConfig(['registry.example:5000/team/model:v1', 'ai/smollm2', 'plain.example/x'], 'index.docker.io', lookup);

  expect(asked).toEqual(['registry.example:5000', 'index.docker.io', 'plain.example']);
  expect(Object.keys((JSON.parse(config!.toString()) as { auths: object }).auths).sort()).toEqual(['index.docker.io', 'registry.example:5000']);
  expect(await readBack(config!, 'registry.example:5000')).toEqual(known['registry.example:5000']);
  expect(await readBack(config!, 'docker.io')).toEqual(known['index.docker.io']);
  expect(await readBack(config!, 'other.example')).toBeUndefined();
});

it('asks the default registry the runner is given for references without a registry, and writes no file when nothing is known', async () => {
  const asked: string[] = [];
  const config = await registryCredentialsConfig(['ai/smollm2'], 'mirror.example', async (registry) => void asked.push(registry));
  expect(asked).toEqual(['mirror.example']);
  expect(config).toBeUndefined();
});

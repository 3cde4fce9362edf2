import { describe, expect, it } from 'vitest';
import { findCompose } from './compose-process.js';

function probe(working: string[]) {
  const asked: string[] = [];
  return {
    asked,
    run: async (argv: readonly string[]) => (asked.push(argv.join(' ')), working.includes(argv.slice(0, -1).join(' ')) ? 0 : 1),
  };
}

describe('findCompose', () => {
  it('prefers the docker CLI plugin, then docker-compose', async () => {
    expect(await findCompose(undefined, probe(['docker compose', 'docker-compose']).run)).toEqual(['docker', 'compose']);
    expect(await findCompose(undefined, probe(['docker-compose']).run)).toEqual(['docker-compose']);
  });

  it('takes the setting as given, without probing', async () => {
    const checks = probe([]);
    expect(await findCompose(' /opt/compose-v1/docker-compose --verbose ', checks.run)).toEqual(['/opt/compose-v1/docker-compose', '--verbose']);
    expect(checks.asked).toEqual([]);
  });

  it('fails before anything is pulled when no Compose runs', async () => {
    await expect(findCompose(undefined, probe([]).run)).rejects.toThrow('Compose is not installed: neither "docker compose" nor "docker-compose" runs here');
  });
});

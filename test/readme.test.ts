import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { clientSettings, registrySettings, serverSettings } from '../src/config.js';
import { repoRoot } from './helpers/runner-process.js';

it('opens the README with the start and test commands and documents every setting', async () => {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const [start, test] = firstBlock.split('\n').filter(Boolean).map((line) => line.split('#')[0]?.trim());
  expect([start, test]).toEqual(['npm ci && npm run build:llama && npm start', 'npm ci && npm run build:llama && npm test']);
  for (const row of [...Object.values(serverSettings), ...Object.values(registrySettings), ...Object.values(clientSettings)]) {
    expect(readme).toContain(`\`${row.name}\``);
  }
  const ci = await readFile(join(repoRoot, '.ci/run'), 'utf8');
  expect(ci).toContain(test);
});

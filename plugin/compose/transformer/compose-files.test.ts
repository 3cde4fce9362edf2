import { describe, expect, it } from 'vitest';
import { composeFilePaths, projectDirectory } from './compose-files.js';

function lookup(files: string[], cwd = '/work/app/sub', env: Record<string, string> = {}) {
  return { cwd, env, exists: (path: string) => files.includes(path) };
}

describe('composeFilePaths', () => {
  it('takes the -f files, resolved from the working directory, and - for stdin', () => {
    expect(composeFilePaths(['a.yaml', '/abs/b.yaml', '-'], lookup([]))).toEqual(['/work/app/sub/a.yaml', '/abs/b.yaml', '-']);
  });

  it("finds Compose v2's default file from the working directory up, with its override file", () => {
    const files = ['/work/app/docker-compose.yml', '/work/app/compose.yaml', '/work/app/compose.override.yaml', '/work/compose.yaml'];
    expect(composeFilePaths([], lookup(files))).toEqual(['/work/app/compose.yaml', '/work/app/compose.override.yaml']);
    expect(composeFilePaths([], lookup(['/work/app/sub/docker-compose.yaml']))).toEqual(['/work/app/sub/docker-compose.yaml']);
  });

  it('reads COMPOSE_FILE when no -f is given', () => {
    expect(composeFilePaths([], lookup([], '/p', { COMPOSE_FILE: 'a.yaml:b.yaml' }))).toEqual(['/p/a.yaml', '/p/b.yaml']);
    expect(composeFilePaths([], lookup([], '/p', { COMPOSE_FILE: 'a.yaml;b.yaml', COMPOSE_PATH_SEPARATOR: ';' }))).toEqual(['/p/a.yaml', '/p/b.yaml']);
  });

  it('says where it looked when there is no file', () => {
    expect(() => composeFilePaths([], lookup([], '/empty'))).toThrow('no configuration file provided: none of compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml in /empty or its parents; give one with -f');
  });
});

describe('projectDirectory', () => {
  it("is the first file's folder, or the working directory for stdin", () => {
    expect(projectDirectory(['/p/compose.yaml', '/q/more.yaml'], '/cwd')).toBe('/p');
    expect(projectDirectory(['-'], '/cwd')).toBe('/cwd');
  });
});

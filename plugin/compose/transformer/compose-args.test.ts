import { describe, expect, it } from 'vitest';
import { composeArguments, globalOption } from './compose-args.js';

describe('composeArguments', () => {
  it.each([
    [[], 'up', [], ['up']],
    [['-d'], 'up', [], ['up', '-d']],
    [['-p', 'demo', '-d'], 'up', ['-p', 'demo'], ['up', '-d']],
    [['-p', 'demo', 'up', '--abort-on-container-exit'], 'up', ['-p', 'demo'], ['up', '--abort-on-container-exit']],
    [['--project-name=demo', '--profile', 'gpu', 'run', 'app', 'node', '-v'], 'up', ['--project-name=demo', '--profile', 'gpu'], ['run', 'app', 'node', '-v']],
    [['app'], 'up', [], ['up', 'app']],
    [['--verbose', '-v'], 'down', ['--verbose'], ['down', '-v']],
    [['logs', '-f'], 'up', [], ['logs', '-f']],
  ])('%j with %s: globals %j, command %j', (args, verb, globals, command) => {
    expect(composeArguments(args, verb)).toEqual({ globals, command });
  });

  it('refuses Compose files after --, which would reach Compose untransformed', () => {
    expect(() => composeArguments(['-f', 'other.yaml', 'up'], 'up')).toThrow('give Compose files with -f before "--"');
    expect(() => composeArguments(['--file=other.yaml'], 'up')).toThrow('give Compose files with -f before "--"');
  });
});

describe('globalOption', () => {
  it('reads the last value given, spaced or with =', () => {
    expect(globalOption(['-p', 'one', '--project-name=two'], ['-p', '--project-name'])).toBe('two');
    expect(globalOption(['--env-file', 'a.env'], ['--env-file'])).toBe('a.env');
    expect(globalOption(['--verbose'], ['-p'])).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { candidates, commandTree, position } from './command-tree.js';
import { sampleProgram } from './sample-program.js';

describe('the command tree completion offers', () => {
  const tree = commandTree(sampleProgram());

  it('holds what --help shows: commands with their aliases and flags, hidden ones left out', () => {
    expect(tree.children.map((child) => child.names)).toEqual([['list', 'ls'], ['logs'], ['unload', 'stop'], ['context']]);
    expect(tree.children.find((child) => child.path === 'logs')?.flags.map((flag) => flag.names)).toEqual([['-f', '--follow'], ['--no-engines'], ['-h', '--help']]);
    expect(tree.children.find((child) => child.path === 'context')?.children.map((child) => child.path)).toEqual(['context use', 'context help']);
  });

  it('offers the commands and aliases that start with the word', () => {
    expect(candidates(tree, [], 'l')).toEqual(['list', 'ls', 'logs']);
    expect(candidates(tree, ['context'], '')).toEqual(['use', 'help']);
    expect(candidates(tree, [], 'conf')).toEqual([]);
  });

  it('offers flags for a word that starts with a dash', () => {
    expect(candidates(tree, ['logs'], '--')).toEqual(['--follow', '--no-engines', '--help']);
    expect(candidates(tree, ['stop'], '--b')).toEqual(['--backend']);
  });

  it("skips flags and their values, and never reads an argument or a flag's value as a command", () => {
    expect(position(tree, ['unload', '--backend']).flagValue).toBe(true);
    expect(candidates(tree, ['unload', '--backend'], '')).toEqual([]);
    expect(position(tree, ['unload', '--backend', 'logs']).command.path).toBe('unload');
    expect(position(tree, ['unload', '--backend=x', 'logs']).command.path).toBe('unload');
    expect(position(tree, ['context', '--help', 'use', 'list']).command.path).toBe('context use');
  });
});

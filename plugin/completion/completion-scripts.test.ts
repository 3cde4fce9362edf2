import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashScript } from './bash-script.js';
import { candidates, commandTree, position } from './command-tree.js';
import { sampleProgram } from './sample-program.js';
import { zshScript } from './zsh-script.js';

const exec = promisify(execFile);
const tree = commandTree(sampleProgram());

/** Command lines typed so far, the last word the one being completed. */
const lines: string[][] = [
  [''],
  ['l'],
  ['logs', '-'],
  ['logs', '--f'],
  ['stop', '--backend', ''],
  ['unload', '--backend', 'logs', ''],
  ['unload', '--backend=x', '--'],
  ['context', ''],
  ['context', 'u'],
  ['context', 'use', '--'],
  ['context', 'use', '--host', 'h', '-'],
  ['list', '--json', ''],
];

function runs(shell: string, command = 'true'): boolean {
  try {
    execFileSync(shell, ['-c', command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What the TypeScript walk offers; the scripts offer file names (here FILES) for a flag's value. */
function expected(words: string[]): string[] {
  return position(tree, words.slice(0, -1)).flagValue ? ['FILES'] : candidates(tree, words.slice(0, -1), words.at(-1)!);
}

const shellWords = (words: string[]) => ['docker-model', ...words].map((word) => `'${word}'`).join(' ');

describe('the generated completion scripts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'completion-'));
    await writeFile(join(dir, 'bash'), bashScript(tree, 'docker-model'));
    await writeFile(join(dir, 'zsh'), zshScript(tree, 'docker-model'));
    await mkdir(join(dir, 'fpath'));
    await writeFile(join(dir, 'fpath', '_docker-model'), zshScript(tree, 'docker-model'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bash: parses, registers for docker-model, and offers what the tree does', async () => {
    await exec('bash', ['-n', join(dir, 'bash')]);
    const registered = await exec('bash', ['-c', `source ${join(dir, 'bash')}; complete -p docker-model`]);
    expect(registered.stdout.trim()).toBe('complete -F _docker_model docker-model');
    for (const words of lines) {
      // compopt only works inside a real completion; a flag's value shows as FILES, as for zsh.
      const driver = `source ${join(dir, 'bash')}; compopt() { echo FILES; }; COMP_WORDS=(${shellWords(words)}); COMP_CWORD=${words.length}; _docker_model; [[ \${#COMPREPLY[@]} -gt 0 ]] && printf '%s\\n' "\${COMPREPLY[@]}"; true`;
      const { stdout } = await exec('bash', ['-c', driver]);
      expect(stdout.split('\n').filter(Boolean), words.join(' ')).toEqual(expected(words));
    }
  });

  it.skipIf(!runs('zsh'))('zsh: parses, starts with #compdef, and offers what the tree does', async () => {
    const script = zshScript(tree, 'docker-model');
    expect(script.startsWith('#compdef docker-model\n')).toBe(true);
    await exec('zsh', ['-n', join(dir, 'zsh')]);
    // Outside a completion widget: _describe and _files stand in, _describe filtering by PREFIX as zsh does.
    const stubs = 'compdef() { :; }; _files() { print -r -- FILES; }; _describe() { local entry; for entry in "${(@P)4}"; do entry=${entry%%:*}; [[ $entry == ${PREFIX}* ]] && print -r -- $entry; done; true; }';
    for (const words of lines) {
      const driver = `${stubs}; source ${join(dir, 'zsh')}; words=(${shellWords(words)}); CURRENT=${words.length + 1}; PREFIX='${words.at(-1)}'; _docker_model`;
      const { stdout } = await exec('zsh', ['-fc', driver]);
      expect(stdout.split('\n').filter(Boolean), words.join(' ')).toEqual(expected(words));
    }
  });

  it.skipIf(!runs('zsh', 'zmodload zsh/zpty'))('zsh: completes from $fpath on the first TAB, in a real interactive shell', async () => {
    // Each read waits for what only a completion can print: the echo of the typed line never holds it.
    const driver = `zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "PS1='> '; fpath=(${join(dir, 'fpath')} \\$fpath); autoload -U compinit; compinit -u -D; print RE''ADY"
zpty -r -m z out '*READY*' >/dev/null
zpty -w -n z $'docker-model lo\\t'
zpty -r -m z out '*logs*' >/dev/null
zpty -w -n z $'--fol\\t'
zpty -r -m z out '*--follow*' >/dev/null
zpty -d z
print completed`;
    const { stdout } = await exec('zsh', ['-fc', driver], { timeout: 20_000 });
    expect(stdout).toBe('completed\n');
  });
});

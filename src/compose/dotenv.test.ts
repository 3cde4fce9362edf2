import { describe, expect, it } from 'vitest';
import { parseDotEnv } from './dotenv.js';

describe('parseDotEnv', () => {
  it('reads KEY=value lines as Compose does: comments, export, quotes and variables', () => {
    const text = [
      '# the model',
      'MODEL=ai/smollm2   # inline comment',
      'export TAG=latest',
      '',
      "LITERAL='${MODEL} stays'",
      'QUOTED="${MODEL}:${TAG}\\tend"',
      'FROM_SHELL=${HOME_DIR}/models',
      'EMPTY=',
      'WITH_EQUALS=a=b=c',
    ].join('\n');
    expect(parseDotEnv(text, (name) => ({ HOME_DIR: '/root' })[name], '.env')).toEqual({
      MODEL: 'ai/smollm2',
      TAG: 'latest',
      LITERAL: '${MODEL} stays',
      QUOTED: 'ai/smollm2:latest\tend',
      FROM_SHELL: '/root/models',
      EMPTY: '',
      WITH_EQUALS: 'a=b=c',
    });
  });

  it('names the line it cannot read', () => {
    expect(() => parseDotEnv('A=1\nnot a variable\n', () => undefined, '/p/.env')).toThrow('/p/.env:2: expected KEY=value');
    expect(() => parseDotEnv('A="open\n', () => undefined, '/p/.env')).toThrow('/p/.env:1: unterminated quoted value');
  });
});

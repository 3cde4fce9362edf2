import { RunnerError } from '../shared/errors.js';
import { interpolate, type Lookup } from './interpolate.js';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

function quoted(raw: string, quote: string, where: string): string {
  for (let index = 1; index < raw.length; index++) {
    if (quote === '"' && raw[index] === '\\') index++;
    else if (raw[index] === quote) return raw.slice(1, index);
  }
  throw new RunnerError('invalid_request', `${where}: unterminated quoted value`);
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_match, char: string) => ({ n: '\n', r: '\r', t: '\t' })[char] ?? char);
}

/**
 * A `.env` file as Compose reads it: `KEY=value` lines, `export ` allowed, `#` comments, single
 * quotes taken literally, double quotes with escapes, and `${VAR}` in unquoted and double-quoted
 * values filled from the lines above and then `lookup`.
 */
export function parseDotEnv(text: string, lookup: Lookup, path: string): Record<string, string> {
  const values: Record<string, string> = {};
  const fromAbove: Lookup = (name) => values[name] ?? lookup(name);
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*(#|$)/.test(line)) return;
    const match = LINE.exec(line);
    if (!match) throw new RunnerError('invalid_request', `${path}:${index + 1}: expected KEY=value`);
    const [, key, raw = ''] = match;
    const where = `${path}:${index + 1}`;
    if (raw.startsWith("'")) values[key!] = quoted(raw, "'", where);
    else if (raw.startsWith('"')) values[key!] = interpolate(unescape(quoted(raw, '"', where)), fromAbove);
    else values[key!] = interpolate(raw.replace(/\s+#.*$/, '').trim(), fromAbove);
  });
  return values;
}

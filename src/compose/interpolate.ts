import { RunnerError } from '../shared/errors.js';

export type Lookup = (name: string) => string | undefined;

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;
const BRACED = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-?+])([\s\S]*))?$/;

function invalid(text: string): RunnerError {
  return new RunnerError('invalid_request', `invalid interpolation format for "${text}"`);
}

/** The index of the `}` that closes the `${` whose body starts at `start`; bodies may nest. */
function closingBrace(text: string, start: number): number {
  let depth = 1;
  for (let index = start; index < text.length; index++) {
    if (text.startsWith('${', index)) {
      depth++;
      index++;
    } else if (text[index] === '}' && --depth === 0) return index;
  }
  return -1;
}

function substitute(body: string, lookup: Lookup, whole: string): string {
  const match = BRACED.exec(body);
  if (!match) throw invalid(whole);
  const [, name, operator, operand = ''] = match;
  const value = lookup(name!);
  const empty = value === undefined || (operator?.startsWith(':') === true && value === '');
  switch (operator) {
    case undefined:
      return value ?? '';
    case ':-':
    case '-':
      return empty ? interpolate(operand, lookup) : value!;
    case ':+':
    case '+':
      return empty ? '' : interpolate(operand, lookup);
    default:
      if (empty) throw new RunnerError('invalid_request', `required variable ${name} is missing a value${operand ? `: ${interpolate(operand, lookup)}` : ''}`);
      return value!;
  }
}

/**
 * Compose's variable substitution (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a dollar), for the values
 * the transformer must know before Compose reads the file: model references, context sizes,
 * runtime flags and the project name. Everything else stays as written, for Compose to interpolate.
 */
export function interpolate(text: string, lookup: Lookup): string {
  let out = '';
  for (let index = 0; index < text.length; ) {
    const dollar = text.indexOf('$', index);
    if (dollar === -1) return out + text.slice(index);
    out += text.slice(index, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      index = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 2);
      if (end === -1) throw invalid(text);
      out += substitute(text.slice(dollar + 2, end), lookup, text);
      index = end + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0];
      if (!name) throw invalid(text);
      out += lookup(name) ?? '';
      index = dollar + 1 + name.length;
    }
  }
  return out;
}

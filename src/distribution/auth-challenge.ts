/** One challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/**
 * RFC 9110 challenge syntax: several challenges may share one header, parameters are tokens or
 * quoted strings with backslash escapes, and a scope value can itself contain commas.
 */
export function parseAuthChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let rest = header.trim();
  while (rest !== '') {
    const scheme = TOKEN.exec(rest)?.[0];
    if (!scheme) break;
    rest = rest.slice(scheme.length).trimStart();
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    while (rest !== '') {
      const param = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*/.exec(rest);
      if (!param?.[1]) break;
      rest = rest.slice(param[0].length);
      const [value, after] = readValue(rest);
      challenge.params[param[1].toLowerCase()] = value;
      rest = after.replace(/^\s*,\s*/, '');
    }
  }
  return challenges;
}

function readValue(text: string): [string, string] {
  if (!text.startsWith('"')) {
    const token = /^[^,\s]*/.exec(text)?.[0] ?? '';
    return [token, text.slice(token.length)];
  }
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) value += text[++i];
    else if (char === '"') return [value, text.slice(i + 1)];
    else value += char;
  }
  return [value, ''];
}

/**
 * Reads the one JSON object or array that starts at `start` (after whitespace), ignoring what
 * follows it: models write text or markers after a call. Undefined when there is none, or it is cut off.
 */
export function jsonValueAt(text: string, start = 0): { value: unknown; end: number } | undefined {
  let at = start;
  while (at < text.length && /\s/.test(text[at]!)) at++;
  const open = text[at];
  if (open !== '{' && open !== '[') return undefined;
  let depth = 0;
  let inString = false;
  for (let index = at; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) {
        try {
          return { value: JSON.parse(text.slice(at, index + 1)), end: index + 1 };
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

const IGNORED_FIELDS = new Set(['event', 'id', 'retry']);

/**
 * The data of each server-sent event, up to `[DONE]`. DMR's runner may write plain-text progress
 * lines ("Installing vllm backend...") before the first event; those go to `onText`.
 */
export async function* sseData(lines: AsyncIterable<string>, onText: (line: string) => void): AsyncGenerator<string> {
  let data: string[] = [];
  let started = false;
  for await (const line of lines) {
    if (line === '') {
      const payload = data.join('\n');
      data = [];
      if (payload === '[DONE]') return;
      if (payload) yield payload;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field === 'data') {
      started = true;
      const value = colon === -1 ? '' : line.slice(colon + 1);
      data.push(value.startsWith(' ') ? value.slice(1) : value);
    } else if (!started && !IGNORED_FIELDS.has(field)) {
      onText(line);
    }
  }
  const payload = data.join('\n');
  if (payload && payload !== '[DONE]') yield payload;
}

import type { ProgressMessage } from '../../src/api/dmr-types.js';

/** Reads a pull or push response as its progress lines, un-escaping the text/plain form as DMR's CLI does. */
export async function progressLines(response: Response): Promise<ProgressMessage[]> {
  const text = await response.text();
  const plain = !(response.headers.get('content-type') ?? '').startsWith('application/json');
  const unescaped = plain ? text.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : text;
  return unescaped
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProgressMessage);
}

import type { ProgressMessage } from '../api/dmr-types.js';
import { streamedResponse } from './stream-body.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;' };

/** Go's html.EscapeString, which DMR applies to every text/plain progress chunk. */
function escapeHtml(text: string): string {
  return text.replace(/[&'<>"]/g, (char) => HTML_ESCAPES[char] ?? char);
}

async function* progressLines(messages: AsyncIterable<ProgressMessage>, escape: boolean): AsyncGenerator<Uint8Array> {
  for await (const message of messages) {
    const line = `${JSON.stringify(message)}\n`;
    yield Buffer.from(escape ? escapeHtml(line) : line);
  }
}

/**
 * A pull or push progress stream as DMR writes it (reference §2.1): JSON lines when the client
 * asks for exactly `application/json`, otherwise text/plain with each line HTML-escaped, which
 * DMR's CLI un-escapes before decoding.
 */
export function progressResponse(request: Request, messages: AsyncIterable<ProgressMessage>): Response {
  const json = request.headers.get('accept') === 'application/json';
  return streamedResponse(progressLines(messages, !json), {
    headers: {
      'content-type': json ? 'application/json' : 'text/plain; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    },
  });
}

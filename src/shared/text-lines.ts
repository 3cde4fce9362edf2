/** The lines of a byte stream without their line ends (`\n` or `\r\n`); a last unterminated line too. */
export async function* textLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const strip = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) yield strip(line);
  }
  pending += decoder.decode();
  if (pending) yield strip(pending);
}

import type { ChatDelta } from './chat-stream.js';
import type { ChatStyle } from './chat-style.js';

/**
 * Writes an answer as it streams, as DMR's CLI does: reasoning under "Thinking:", a `--` rule
 * before the answer proper, and token usage when the runner reports it. Returns the answer alone,
 * which is what the conversation keeps.
 */
export async function printChat(deltas: AsyncIterable<ChatDelta>, out: NodeJS.WritableStream, style: ChatStyle): Promise<string> {
  let answer = '';
  let printing: 'nothing' | 'reasoning' | 'content' = 'nothing';
  let usage = '';
  for await (const delta of deltas) {
    if ('reasoning' in delta) {
      if (printing === 'content') out.write('\n\n');
      if (printing !== 'reasoning') out.write(style.reasoning('Thinking:\n'));
      printing = 'reasoning';
      out.write(style.reasoning(delta.reasoning));
    } else if ('content' in delta) {
      if (printing === 'reasoning') out.write('\n\n--\n\n');
      printing = 'content';
      out.write(delta.content);
      answer += delta.content;
    } else {
      usage = `\n\nToken usage: ${delta.usage.prompt_tokens} prompt + ${delta.usage.completion_tokens} completion = ${delta.usage.total_tokens} total`;
    }
  }
  if (usage) out.write(style.usage(usage));
  return answer;
}

import type { RunnerClient } from '../../src/api/runner-client.js';
import { RunnerError } from '../../src/shared/errors.js';
import { errorMessage, responseError } from '../../src/api/response-error.js';
import { sseData } from '../../src/api/sse-data.js';
import { textLines } from '../../src/shared/text-lines.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One piece of a streamed answer. */
export type ChatDelta = { content: string } | { reasoning: string } | { usage: Usage };

interface ChatChunk {
  choices?: { delta?: { content?: string | null; reasoning_content?: string | null } }[];
  usage?: Usage | null;
  error?: unknown;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Plain-text lines the runner writes before the stream (backend installs), as DMR's CLI shows them. */
  progress: (line: string) => void;
}

function parseChunk(payload: string): ChatChunk {
  try {
    return JSON.parse(payload) as ChatChunk;
  } catch (error) {
    throw new RunnerError('internal', `error parsing stream response: ${(error as Error).message}`);
  }
}

/** An error object in the stream is a failure after the answer began, when the status was already sent. */
function* deltasOf(payload: string): Generator<ChatDelta> {
  const chunk = parseChunk(payload);
  if (chunk.error !== undefined) throw new RunnerError('internal', errorMessage(payload) ?? payload);
  const delta = chunk.choices?.[0]?.delta;
  if (delta?.reasoning_content) yield { reasoning: delta.reasoning_content };
  if (delta?.content) yield { content: delta.content };
  if (chunk.usage) yield { usage: chunk.usage };
}

/** One streaming chat completion on `/engines/v1`, as DMR's CLI asks for it, as its pieces arrive. */
export async function* chatDeltas(client: Pick<RunnerClient, 'send'>, model: string, messages: readonly ChatMessage[], options: ChatOptions): AsyncGenerator<ChatDelta> {
  const response = await client.send('/engines/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages, stream: true }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok) throw await responseError(response);
  if (!response.body) return;
  for await (const payload of sseData(textLines(response.body), options.progress)) {
    yield* deltasOf(payload);
  }
}

import type { FinishReason, GenerationEvent, TokenLogprob, ToolCall } from '../../engine/engine.js';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One whole answer, as every API's non-streamed response is built from it. */
export interface Generated {
  text: string;
  toolCalls: ToolCall[];
  logprobs: TokenLogprob[];
  finishReason: FinishReason;
  /** The stop string that ended it, if one did. */
  stopSequence?: string | undefined;
  usage: Usage;
}

export function usageOf(finish: { promptTokens: number; completionTokens: number }): Usage {
  return { prompt_tokens: finish.promptTokens, completion_tokens: finish.completionTokens, total_tokens: finish.promptTokens + finish.completionTokens };
}

export const NO_USAGE: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

function emptyGenerated(): Generated {
  return { text: '', toolCalls: [], logprobs: [], finishReason: 'length', usage: NO_USAGE };
}

/**
 * Gathers every run's answer, by run index, consuming the runs to their end. Token logprobs count
 * once the text they made is given as content; those of text that never is (a tool call, a stop
 * string) are left out, as a stream leaves them out.
 */
export async function collectRuns(runs: AsyncIterable<{ index: number; event: GenerationEvent }>): Promise<Generated[]> {
  const results: Generated[] = [];
  const pending: TokenLogprob[][] = [];
  for await (const { index, event } of runs) {
    const result = (results[index] ??= emptyGenerated());
    const held = (pending[index] ??= []);
    if ('delta' in event) {
      result.text += event.delta;
      result.logprobs.push(...held.splice(0));
    } else if ('toolCall' in event) result.toolCalls.push(event.toolCall);
    else if ('logprob' in event) held.push(event.logprob);
    else {
      result.finishReason = event.finish.reason;
      result.stopSequence = event.finish.stopSequence;
      result.usage = usageOf(event.finish);
    }
  }
  return results;
}

/** One answer's events, gathered. */
export async function collectGeneration(events: AsyncIterable<GenerationEvent>): Promise<Generated> {
  async function* single() {
    for await (const event of events) yield { index: 0, event };
  }
  const [generated] = await collectRuns(single());
  return generated ?? emptyGenerated();
}

import type { GenerationRequest } from '../../engine/engine.js';
import { isRunnerError, RunnerError } from '../../shared/errors.js';
import { chatGeneration, samplingOf, type ChatTurn, type ToolChoice } from '../generation/chat-generation.js';
import { conversationTurns, type ConversationItem } from './response-items.js';
import type { CreateResponseRequest } from './responses-schemas.js';

const unsupported = (param: string, what: string) => new RunnerError('invalid_request', `${what} is not supported by this runner`, { param });

/** What OpenAI does on its side (hosted state, background jobs, extra outputs) and a local runner cannot. */
function refuseUnsupported(body: CreateResponseRequest): void {
  if (body.background) throw unsupported('background', 'background: true');
  if (body.conversation != null) throw unsupported('conversation', 'conversation (use previous_response_id)');
  if (body.prompt != null) throw unsupported('prompt', 'a stored prompt');
  if (body.include?.length) throw unsupported('include', 'include');
  if (body.truncation === 'auto') throw unsupported('truncation', "truncation: 'auto'");
  if (body.top_logprobs) throw unsupported('top_logprobs', 'top_logprobs');
}

function toolChoice(choice: CreateResponseRequest['tool_choice']): ToolChoice {
  if (choice == null) return 'auto';
  return typeof choice === 'string' ? choice : { name: choice.name };
}

/** The checks every API shares name chat's fields; a Responses tool has no `function` level. */
function asResponsesParam(error: unknown): unknown {
  if (!isRunnerError(error) || error.param === undefined) return error;
  const param = error.param.replace(/^tools\[(\d+)\]\.function\./, 'tools[$1].');
  return param === error.param ? error : new RunnerError(error.code, error.message, { param, cause: error });
}

/**
 * The engine request for a create: the instructions (never carried over from an earlier response,
 * as OpenAI does), then the earlier conversation, then this request's input.
 */
export function responseGeneration(body: CreateResponseRequest, history: readonly ConversationItem[], input: readonly ConversationItem[]): GenerationRequest {
  refuseUnsupported(body);
  const turns: ChatTurn[] = [...(body.instructions ? [{ role: 'system' as const, content: body.instructions }] : []), ...conversationTurns([...history, ...input], history.length)];
  if (turns.length === 0) throw new RunnerError('invalid_request', 'input is required', { param: 'input' });
  const format = body.text?.format;
  try {
    return chatGeneration(
      {
        messages: turns,
        tools: (body.tools ?? []).map((tool) => ({ name: tool.name, description: tool.description ?? '', parameters: tool.parameters ?? undefined })),
        toolChoice: toolChoice(body.tool_choice),
        parallelToolCalls: body.parallel_tool_calls ?? true,
      },
      {
        sampling: samplingOf(body),
        maxTokens: body.max_output_tokens ?? undefined,
        jsonObject: format?.type === 'json_object',
        jsonSchema: format?.type === 'json_schema' ? format.schema : undefined,
      },
    );
  } catch (error) {
    throw asResponsesParam(error);
  }
}

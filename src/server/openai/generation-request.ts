import type { GenerationRequest } from '../../engine/engine.js';
import { RunnerError } from '../../shared/errors.js';
import { chatGeneration, functionTools, samplingOf, textGeneration, type ChatTurn, type GenerationOptions, type ToolChoice } from '../generation/chat-generation.js';
import type { ChatCompletionRequest, CompletionRequest } from './openai-schemas.js';

type Common = Pick<CompletionRequest, 'temperature' | 'top_p' | 'top_k' | 'min_p' | 'seed' | 'presence_penalty' | 'frequency_penalty' | 'stop' | 'ignore_eos'>;

function options(body: Common, maxTokens: number | undefined): GenerationOptions {
  return {
    sampling: samplingOf(body),
    maxTokens,
    stop: body.stop === undefined ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop,
    ignoreEos: body.ignore_eos,
  };
}

type Message = ChatCompletionRequest['messages'][number];

function contentText(content: Message['content']): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function chatTurn(message: Message): ChatTurn {
  const role = message.role === 'developer' ? 'system' : message.role;
  const turn: ChatTurn = { role, content: contentText(message.content) };
  if (message.tool_calls?.length) {
    turn.toolCalls = message.tool_calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
  }
  if (message.tool_call_id !== undefined) turn.toolCallId = message.tool_call_id;
  if (message.name !== undefined) turn.name = message.name;
  return turn;
}

function toolChoice(choice: ChatCompletionRequest['tool_choice']): ToolChoice {
  if (choice === undefined) return 'auto';
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

export function chatGenerationRequest(body: ChatCompletionRequest): GenerationRequest {
  if (body.top_logprobs != null && !body.logprobs) {
    throw new RunnerError('invalid_request', 'logprobs must be true when top_logprobs is set', { param: 'logprobs' });
  }
  const format = body.response_format;
  return chatGeneration(
    {
      messages: body.messages.map(chatTurn),
      tools: functionTools(body.tools),
      toolChoice: toolChoice(body.tool_choice),
      parallelToolCalls: body.parallel_tool_calls ?? true,
    },
    {
      ...options(body, body.max_completion_tokens ?? body.max_tokens),
      logprobs: body.logprobs ?? false,
      topLogprobs: body.top_logprobs ?? 0,
      jsonObject: format?.type === 'json_object',
      jsonSchema: format?.type === 'json_schema' ? format.json_schema.schema : undefined,
    },
  );
}

export function completionGenerationRequest(body: CompletionRequest, prompt: string): GenerationRequest {
  const logprobs = body.logprobs ?? undefined;
  return textGeneration(prompt, { ...options(body, body.max_tokens), logprobs: logprobs !== undefined, topLogprobs: logprobs ?? 0 });
}

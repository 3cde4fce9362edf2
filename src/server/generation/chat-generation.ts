import type { GenerationRequest, ToolCall } from '../../engine/engine.js';
import { RunnerError } from '../../shared/errors.js';
import { jsonSchemaProblem } from './check-json-schema.js';

/** A chat in the terms every API's adapter maps its own request to. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  toolCalls?: ToolCall[];
  /** The call a tool turn answers; adapters whose API has no ids leave it empty. */
  toolCallId?: string;
  /** The function a tool turn answers, when the API says. */
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: unknown;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface ChatInput {
  messages: ChatTurn[];
  tools: ToolDefinition[];
  toolChoice: ToolChoice;
  parallelToolCalls: boolean;
}

export interface SamplingInput {
  temperature?: number | undefined;
  topP?: number | undefined;
  topK?: number | undefined;
  minP?: number | undefined;
  seed?: number | undefined;
  presencePenalty?: number | undefined;
  frequencyPenalty?: number | undefined;
}

export interface GenerationOptions {
  sampling: SamplingInput;
  /** Undefined: up to the end of the context. */
  maxTokens?: number | undefined;
  stop?: string[] | undefined;
  ignoreEos?: boolean | undefined;
  logprobs?: boolean | undefined;
  topLogprobs?: number | undefined;
  jsonSchema?: unknown;
  jsonObject?: boolean | undefined;
}

/** The sampling fields the APIs share, under the snake_case names all of them use. */
export interface SamplingFields {
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  top_k?: number | null | undefined;
  min_p?: number | null | undefined;
  seed?: number | null | undefined;
  presence_penalty?: number | null | undefined;
  frequency_penalty?: number | null | undefined;
}

export function samplingOf(fields: SamplingFields): SamplingInput {
  return {
    temperature: fields.temperature ?? undefined,
    topP: fields.top_p ?? undefined,
    topK: fields.top_k ?? undefined,
    minP: fields.min_p ?? undefined,
    seed: fields.seed ?? undefined,
    presencePenalty: fields.presence_penalty ?? undefined,
    frequencyPenalty: fields.frequency_penalty ?? undefined,
  };
}

/** Function tools in the `{type, function: {name, description, parameters}}` shape OpenAI and Ollama share. */
export function functionTools(tools: readonly { function: { name: string; description?: string | undefined; parameters?: unknown } }[] | null | undefined): ToolDefinition[] {
  return (tools ?? []).map((tool) => ({ name: tool.function.name, description: tool.function.description ?? '', parameters: tool.function.parameters }));
}

/** OpenAI's rule for function names. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The request options every API shares, as the engine takes them. */
export function generationBase(options: GenerationOptions): GenerationRequest {
  const { sampling } = options;
  const engineSampling: NonNullable<GenerationRequest['sampling']> = {
    presencePenalty: sampling.presencePenalty ?? 0,
    frequencyPenalty: sampling.frequencyPenalty ?? 0,
  };
  if (sampling.temperature !== undefined) engineSampling.temperature = sampling.temperature;
  if (sampling.topP !== undefined) engineSampling.topP = sampling.topP;
  if (sampling.topK !== undefined) engineSampling.topK = sampling.topK;
  if (sampling.minP !== undefined) engineSampling.minP = sampling.minP;
  if (sampling.seed !== undefined) engineSampling.seed = sampling.seed >>> 0;
  return {
    sampling: engineSampling,
    maxTokens: options.maxTokens ?? 0,
    stop: options.stop ?? [],
    ignoreEos: options.ignoreEos ?? false,
    logprobs: options.logprobs ?? false,
    topLogprobs: options.topLogprobs ?? 0,
    jsonObject: options.jsonObject ?? false,
    jsonSchema: options.jsonSchema === undefined ? '' : JSON.stringify(options.jsonSchema),
  };
}

function checkTools(tools: readonly ToolDefinition[], choice: ToolChoice): void {
  const names = new Set<string>();
  for (const [index, tool] of tools.entries()) {
    if (!TOOL_NAME.test(tool.name)) {
      throw new RunnerError('invalid_request', `tool name ${JSON.stringify(tool.name)} must be 1 to 64 letters, digits, underscores or dashes`, { param: `tools[${index}].function.name` });
    }
    if (names.has(tool.name)) throw new RunnerError('invalid_request', `tool ${tool.name} is defined twice`, { param: `tools[${index}].function.name` });
    names.add(tool.name);
    const problem = tool.parameters === undefined ? undefined : jsonSchemaProblem(tool.parameters, 'parameters');
    if (problem) throw new RunnerError('invalid_request', `tool ${tool.name} has an invalid schema: ${problem}`, { param: `tools[${index}].function.parameters` });
  }
  if (choice === 'auto' || choice === 'none') return;
  if (tools.length === 0) throw new RunnerError('invalid_request', 'tool_choice requires tools', { param: 'tool_choice' });
  if (typeof choice === 'object' && !names.has(choice.name)) {
    throw new RunnerError('invalid_request', `tool_choice names function ${choice.name}, which is not in tools`, { param: 'tool_choice' });
  }
}

/** The engine request for a raw-text prompt, tokenized as it is (completions, Ollama's raw generate). */
export function textGeneration(prompt: string, options: GenerationOptions): GenerationRequest {
  return { ...generationBase(options), text: prompt };
}

/** A tool turn must answer a call an earlier assistant turn made. */
function checkToolTurns(messages: readonly ChatTurn[]): void {
  const callIds = new Set<string>();
  let anyCall = false;
  for (const [index, message] of messages.entries()) {
    for (const call of message.toolCalls ?? []) {
      callIds.add(call.id);
      anyCall = true;
    }
    if (message.role !== 'tool') continue;
    const answered = message.toolCallId ? callIds.has(message.toolCallId) : anyCall;
    if (!answered) {
      const what = message.toolCallId ? `tool_call_id ${message.toolCallId} answers no tool call made earlier` : 'a tool message must follow an assistant message with tool_calls';
      throw new RunnerError('invalid_request', `messages[${index}]: ${what}`, { param: `messages[${index}].tool_call_id` });
    }
  }
}

/** The engine request for a chat, after the checks every API shares. */
export function chatGeneration(input: ChatInput, options: GenerationOptions): GenerationRequest {
  checkTools(input.tools, input.toolChoice);
  checkToolTurns(input.messages);
  const { toolChoice } = input;
  return {
    ...generationBase(options),
    chat: {
      messages: input.messages.map((message) => ({
        role: message.role,
        content: message.content,
        toolCalls: message.toolCalls ?? [],
        toolCallId: message.toolCallId ?? '',
        name: message.name ?? '',
      })),
      tools: input.tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: JSON.stringify(tool.parameters ?? { type: 'object', properties: {} }) })),
      toolChoice: typeof toolChoice === 'object' ? 'required' : toolChoice,
      forcedTool: typeof toolChoice === 'object' ? toolChoice.name : '',
      parallelToolCalls: input.parallelToolCalls,
    },
  };
}

import type { GenerationRequest, ToolCall } from '../../engine/engine.js';
import { parseKeepAlive } from '../../scheduler/go-duration.js';
import type { RunnerConfig } from '../../scheduler/scheduler-types.js';
import { RunnerError } from '../../shared/errors.js';
import { chatGeneration, functionTools, samplingOf, textGeneration, type ChatInput, type ChatTurn, type GenerationOptions } from '../generation/chat-generation.js';
import type { OllamaChatRequest, OllamaGenerateRequest, OllamaMessage, OllamaOptions } from './ollama-schemas.js';

/** The model a request names: `name` wins over `model`, as DMR reads them. */
export function modelName(body: { model?: string | undefined; name?: string | undefined }): string {
  const name = body.name || body.model;
  if (!name) throw new RunnerError('invalid_request', 'model is required', { param: 'model' });
  return name;
}

const TEXT_ONLY = "images are not supported: this runner's engine is text-only";

function refuseImages(images: readonly string[] | null | undefined, param: string): void {
  if (images && images.length > 0) throw new RunnerError('invalid_request', TEXT_ONLY, { param });
}

/** Ollama's keep_alive in milliseconds: a number is seconds, a negative one "never". */
export function keepAliveMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value < 0 ? -1 : value * 1000;
  return parseKeepAlive(value);
}

/** What a request asks of its model's worker (`num_ctx`, `keep_alive`), applied through `_configure`'s path. */
export function requestedConfig(body: { keep_alive?: string | number | undefined; options?: OllamaOptions }): RunnerConfig {
  const keepAlive = keepAliveMs(body.keep_alive ?? body.options?.keep_alive);
  const contextSize = body.options?.num_ctx;
  return {
    ...(contextSize !== undefined && contextSize > 0 ? { contextSize } : {}),
    ...(keepAlive !== undefined ? { keepAliveMs: keepAlive } : {}),
  };
}

/** `format`: "json" for any JSON object, a schema for answers that match it. */
function formatOptions(format: OllamaChatRequest['format']): Pick<GenerationOptions, 'jsonObject' | 'jsonSchema'> {
  if (format === undefined || format === '') return {};
  if (format === 'json') return { jsonObject: true };
  if (typeof format === 'string') throw new RunnerError('invalid_request', `invalid format "${format}": use "json" or a JSON schema`, { param: 'format' });
  return { jsonSchema: format };
}

/** Ollama's options as the engine takes them; `num_predict` of 0 or less (-1 endless, -2 fill the context) sets no limit. */
export function generationOptions(body: Pick<OllamaChatRequest, 'options' | 'format'>): GenerationOptions {
  const options = body.options ?? {};
  return {
    sampling: samplingOf(options),
    maxTokens: options.num_predict !== undefined && options.num_predict > 0 ? options.num_predict : undefined,
    stop: options.stop ?? [],
    ...formatOptions(body.format),
  };
}

function argumentsText(value: Record<string, unknown> | string | undefined): string {
  if (value === undefined) return '{}';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Ollama's chat as ChatTurns. Its tool calls may carry no ids and its tool messages answer the last
 * assistant turn's calls in order (or by `tool_name`), so calls without an id get one here and each
 * tool message is paired with the call it answers: the checks every API shares then hold.
 */
export function chatTurns(messages: readonly OllamaMessage[]): ChatTurn[] {
  let unanswered: ToolCall[] = [];
  return messages.map((message, index) => {
    refuseImages(message.images, `messages[${index}].images`);
    const turn: ChatTurn = { role: message.role, content: message.content ?? '' };
    if (message.tool_calls?.length) {
      turn.toolCalls = message.tool_calls.map((call, callIndex) => ({
        id: call.id || `call_${index}_${callIndex}`,
        name: call.function.name,
        arguments: argumentsText(call.function.arguments),
      }));
      unanswered = [...turn.toolCalls];
    }
    if (message.role === 'tool') {
      const answered =
        unanswered.find((call) => call.id === message.tool_call_id) ??
        (message.tool_call_id ? undefined : unanswered.find((call) => !message.tool_name || call.name === message.tool_name));
      unanswered = unanswered.filter((call) => call !== answered);
      const id = message.tool_call_id ?? answered?.id;
      const name = message.tool_name ?? answered?.name;
      if (id !== undefined) turn.toolCallId = id;
      if (name !== undefined) turn.name = name;
    }
    return turn;
  });
}

/** `/api/chat` as the engine's request. Ollama has no tool_choice: tools are offered, the model decides. */
export function chatRequestOf(body: OllamaChatRequest): GenerationRequest {
  const input: ChatInput = {
    messages: chatTurns(body.messages ?? []),
    tools: functionTools(body.tools),
    toolChoice: 'auto',
    parallelToolCalls: true,
  };
  return chatGeneration(input, generationOptions(body));
}

/** `/api/generate`: the prompt (with `system`) through the model's chat template, or as it is with `raw`. */
export function generateRequestOf(body: OllamaGenerateRequest, prompt: string): GenerationRequest {
  refuseImages(body.images, 'images');
  if (body.suffix) throw new RunnerError('invalid_request', 'suffix is not supported: this runner does not fill in the middle', { param: 'suffix' });
  if (body.template) throw new RunnerError('invalid_request', "template is not supported: this runner renders the model's own chat template", { param: 'template' });
  const options = generationOptions(body);
  if (body.raw) return textGeneration(prompt, options);
  const messages: ChatTurn[] = body.system ? [{ role: 'system', content: body.system }] : [];
  messages.push({ role: 'user', content: prompt });
  return chatGeneration({ messages, tools: [], toolChoice: 'auto', parallelToolCalls: true }, options);
}

import type { GenerationRequest } from '../../engine/engine.js';
import type { ChatCompletionRequest, CompletionRequest } from './openai-schemas.js';

type Common = Pick<CompletionRequest, 'temperature' | 'top_p' | 'top_k' | 'min_p' | 'seed' | 'presence_penalty' | 'frequency_penalty' | 'stop' | 'ignore_eos'>;

function common(body: Common, maxTokens: number | undefined): GenerationRequest {
  const sampling: NonNullable<GenerationRequest['sampling']> = {
    presencePenalty: body.presence_penalty ?? 0,
    frequencyPenalty: body.frequency_penalty ?? 0,
  };
  if (body.temperature !== undefined) sampling.temperature = body.temperature;
  if (body.top_p !== undefined) sampling.topP = body.top_p;
  if (body.top_k !== undefined) sampling.topK = body.top_k;
  if (body.min_p !== undefined) sampling.minP = body.min_p;
  if (body.seed !== undefined) sampling.seed = body.seed >>> 0;
  return {
    sampling,
    maxTokens: maxTokens ?? 0,
    stop: body.stop === undefined ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop,
    ignoreEos: body.ignore_eos ?? false,
  };
}

function contentText(content: ChatCompletionRequest['messages'][number]['content']): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

export function chatGenerationRequest(body: ChatCompletionRequest): GenerationRequest {
  const format = body.response_format;
  return {
    ...common(body, body.max_completion_tokens ?? body.max_tokens),
    chat: { messages: body.messages.map((message) => ({ role: message.role, content: contentText(message.content) })) },
    jsonObject: format?.type === 'json_object',
    jsonSchema: format?.type === 'json_schema' ? JSON.stringify(format.json_schema.schema) : '',
  };
}

export function completionGenerationRequest(body: CompletionRequest, prompt: string): GenerationRequest {
  return { ...common(body, body.max_tokens), text: prompt };
}

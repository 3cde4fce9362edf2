import { z } from 'zod';

/** OpenAI request bodies as we accept them: validated once, at the edge. Unknown fields are ignored. */
const textPart = z.object({ type: z.literal('text'), text: z.string() });

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
  tool_calls: z.array(toolCall).nullish(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.unknown().optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z
  .union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
  .optional();

const stop = z.union([z.string(), z.array(z.string())]).optional();

const sampling = {
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  min_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  stop,
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  n: z.literal(1, { message: 'only n=1 is supported' }).optional(),
  /** llama-server's extension, used by benchmarks to generate a fixed number of tokens. */
  ignore_eos: z.boolean().optional(),
};

const maxTokens = z.number().int().min(1).optional();

const responseFormat = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      json_schema: z.object({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()), strict: z.boolean().nullish() }),
    }),
  ])
  .optional();

export const chatCompletionRequest = z.object({
  model: z.string().min(1, 'model is required'),
  messages: z.array(message).min(1, 'messages must not be empty'),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  response_format: responseFormat,
  tools: z.array(tool).optional(),
  tool_choice: toolChoice,
  parallel_tool_calls: z.boolean().optional(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  ...sampling,
});

export const completionRequest = z.object({
  model: z.string().min(1, 'model is required'),
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
  max_tokens: maxTokens,
  /** The legacy API's count of alternatives per token (0-5); any number means "report". */
  logprobs: z.number().int().min(0).max(5).nullish(),
  ...sampling,
});

export const embeddingRequest = z.object({
  model: z.string().min(1, 'model is required'),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;
export type CompletionRequest = z.infer<typeof completionRequest>;
export type EmbeddingRequest = z.infer<typeof embeddingRequest>;

/** A preload-only request: DMR reads nothing but the model. */
export const preloadRequest = z.object({ model: z.string().min(1, 'model is required') });

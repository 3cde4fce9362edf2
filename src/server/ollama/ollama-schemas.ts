import { z } from 'zod';

/**
 * Ollama request bodies as we accept them: validated once, at the edge. Unknown fields are ignored,
 * as Ollama ignores them; fields Ollama has that this runner cannot honour are refused where the
 * request is mapped, with a message that says why.
 */

/** How readJson words a body that is not JSON or not of these shapes. */

/** Ollama's keep_alive: a duration ("5m", "1h30m", "-1") or a number of seconds. */
const keepAlive = z.union([z.string(), z.number()]).optional();

const think = z.union([z.boolean(), z.enum(['high', 'medium', 'low'])]).optional();

/** Ollama's `format`: "json", or a JSON schema the answer must match. */
const format = z.union([z.string(), z.record(z.string(), z.unknown())]).optional();

const ollamaOptions = z
  .object({
    temperature: z.number().min(0).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    min_p: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    num_predict: z.number().int().optional(),
    num_ctx: z.number().int().optional(),
    stop: z.array(z.string()).optional(),
    presence_penalty: z.number().optional(),
    frequency_penalty: z.number().optional(),
    /** DMR reads it here too, for clients that put it among the options. */
    keep_alive: keepAlive,
  })
  .optional();

/** Every Ollama request names its model in `model` or, as older clients do, in `name`. */
const named = { model: z.string().optional(), name: z.string().optional() };

const toolCall = z.object({
  id: z.string().optional(),
  function: z.object({
    index: z.number().int().optional(),
    name: z.string(),
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  }),
});

const message = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().optional(),
  images: z.array(z.string()).nullish(),
  tool_calls: z.array(toolCall).nullish(),
  tool_name: z.string().optional(),
  tool_call_id: z.string().optional(),
  thinking: z.string().optional(),
});

const tool = z.object({
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), description: z.string().optional(), parameters: z.unknown().optional() }),
});

const generation = { ...named, stream: z.boolean().optional(), keep_alive: keepAlive, think, format, options: ollamaOptions };

export const chatRequest = z.object({
  ...generation,
  messages: z.array(message).optional(),
  tools: z.array(tool).nullish(),
});

export const generateRequest = z.object({
  ...generation,
  prompt: z.string().optional(),
  system: z.string().optional(),
  suffix: z.string().optional(),
  template: z.string().optional(),
  raw: z.boolean().optional(),
  images: z.array(z.string()).nullish(),
});

export const embedRequest = z.object({
  ...named,
  input: z.union([z.string(), z.array(z.string())]).optional(),
  dimensions: z.number().int().min(1).optional(),
  truncate: z.boolean().optional(),
  keep_alive: keepAlive,
  options: ollamaOptions,
});

export const legacyEmbeddingsRequest = z.object({ ...named, prompt: z.string().optional(), keep_alive: keepAlive, options: ollamaOptions });

export const modelRequest = z.object(named);

export const pullRequest = z.object({ ...named, stream: z.boolean().optional(), insecure: z.boolean().optional() });

export type OllamaOptions = z.infer<typeof ollamaOptions>;
export type OllamaChatRequest = z.infer<typeof chatRequest>;
export type OllamaGenerateRequest = z.infer<typeof generateRequest>;
export type OllamaMessage = NonNullable<OllamaChatRequest['messages']>[number];

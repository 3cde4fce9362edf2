import { z } from 'zod';

/**
 * Anthropic Messages request bodies as we accept them, validated once at the edge. Fields this
 * runner has no use for (metadata, thinking, cache_control, service_tier) are ignored, as unknown
 * fields are everywhere.
 */
const textBlock = z.object({ type: z.literal('text'), text: z.string() });

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(textBlock)]).optional(),
  is_error: z.boolean().optional(),
});

const contentBlock = z.discriminatedUnion('type', [textBlock, toolUseBlock, toolResultBlock]);

const message = z.object({
  role: z.enum(['user', 'assistant']),
  // A union's own issue says only "Invalid input"; this says what is accepted.
  content: z.union([z.string(), z.array(contentBlock)], {
    error: 'content must be a string or a list of well-formed text, tool_use and tool_result blocks (other block types are not supported)',
  }),
});

const tool = z.object({
  name: z.string(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
});

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

/** What count_tokens reads: the prompt, without the generation settings. */
export const countTokensRequest = z.object({
  model: z.string().min(1, 'model is required'),
  messages: z.array(message).min(1, 'messages must not be empty'),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
});

export const messagesRequest = countTokensRequest.extend({
  // Anthropic's own wording when it is missing.
  max_tokens: z.number({ error: 'Field required' }).int().min(1),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stream: z.boolean().optional(),
});

export type CountTokensRequest = z.infer<typeof countTokensRequest>;
export type MessagesRequest = z.infer<typeof messagesRequest>;
export type AnthropicMessage = z.infer<typeof message>;

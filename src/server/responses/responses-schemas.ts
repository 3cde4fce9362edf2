import { z } from 'zod';

/** OpenAI Responses request bodies as we accept them: validated once, at the edge. Unknown fields are ignored. */

/** Any part type is read here; response-items.ts says which ones a text-only engine takes. */
const contentPart = z.object({ type: z.string(), text: z.string().optional() });

const content = z.union([z.string(), z.array(contentPart)]);

const message = z.object({
  type: z.literal('message'),
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content,
});

const functionCall = z.object({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string().min(1),
  name: z.string(),
  arguments: z.string(),
});

const functionCallOutput = z.object({
  type: z.literal('function_call_output'),
  id: z.string().optional(),
  call_id: z.string().min(1),
  output: content,
});

/** Messages may come without a type (OpenAI's "easy" input message); they are messages all the same. */
const inputItem = z.preprocess(
  (item) => (typeof item === 'object' && item !== null && !('type' in item) ? { ...item, type: 'message' } : item),
  z.discriminatedUnion('type', [message, functionCall, functionCallOutput], {
    error: 'input items must be messages, function_call or function_call_output items',
  }),
);

const functionTool = z.object({
  type: z.literal('function', { error: 'only function tools are supported' }),
  name: z.string(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const toolChoice = z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), name: z.string() })], {
  error: "tool_choice must be 'none', 'auto', 'required' or {type: 'function', name}",
});

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'name must be 1 to 64 letters, digits, underscores or dashes'),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);

export const createResponseRequest = z.object({
  model: z.string().min(1, 'model is required'),
  // A string is one user message.
  input: z
    .preprocess((input) => (typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input), z.array(inputItem, { error: 'input must be a string or a list of input items' }))
    .optional(),
  instructions: z.string().nullish(),
  previous_response_id: z.string().nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  text: z.object({ format: textFormat.optional() }).nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().optional(),
  // Read only to refuse what a local engine cannot do (response-request.ts).
  include: z.array(z.string()).nullish(),
  background: z.boolean().nullish(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  top_logprobs: z.number().int().nullish(),
});

export type CreateResponseRequest = z.infer<typeof createResponseRequest>;
export type RequestInputItem = NonNullable<CreateResponseRequest['input']>[number];

const cursor = z.string().min(1).optional();

/** `GET …/responses/{id}/input_items`: OpenAI's cursor page, newest first unless asked. */
export const inputItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  after: cursor,
});

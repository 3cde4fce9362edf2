import type { FunctionCallItem, MessageItem } from './response-items.js';
import type { CreateResponseRequest } from './responses-schemas.js';

export type OutputItem = MessageItem | FunctionCallItem;

interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** OpenAI's Response object; `output_text` is left to the SDKs, which compute it from `output`. */
export interface ResponseBody {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  completed_at: number | null;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  store: boolean;
  temperature: number | null;
  top_p: number | null;
  text: { format: NonNullable<NonNullable<CreateResponseRequest['text']>['format']> };
  tool_choice: NonNullable<CreateResponseRequest['tool_choice']>;
  tools: { type: 'function'; name: string; description: string | null; parameters: Record<string, unknown> | null; strict: boolean }[];
  truncation: 'disabled';
  metadata: Record<string, string>;
  usage: ResponseUsage | null;
  user?: string;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A response as it starts: the request's settings echoed, nothing generated yet. */
export function startedResponse(id: string, body: CreateResponseRequest): ResponseBody {
  return {
    id,
    object: 'response',
    created_at: nowSeconds(),
    status: 'in_progress',
    completed_at: null,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    store: body.store ?? true,
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    // OpenAI's Responses tools are strict unless told otherwise.
    tools: (body.tools ?? []).map((tool) => ({ type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? true })),
    truncation: 'disabled',
    metadata: body.metadata ?? {},
    usage: null,
    ...(body.user === undefined ? {} : { user: body.user }),
  };
}

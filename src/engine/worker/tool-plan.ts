import type { Token } from 'node-llama-cpp';
import type { ChatPrompt__Output } from '../proto/generated/modelrunner/engine/v1/ChatPrompt.js';
import type { ChatPrompt } from './chat-prompt.js';
import { forcedCallShape, type ToolSpec } from './tool-family.js';
import { ToolCallStream } from './tool-call-stream.js';

/** How one chat request uses its tools: what the answer starts with, how it is constrained and read. */
export interface ToolPlan {
  prefill: string;
  /** The schema a forced call must follow; undefined when the model may answer freely. */
  schema: Record<string, unknown> | undefined;
  stream: ToolCallStream;
  preserved: ReadonlySet<Token>;
  parallel: boolean;
}

/** node-llama-cpp's JSON-schema grammars know oneOf, not anyOf; for generating a value the two are the same. */
function grammarSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(grammarSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key === 'anyOf' ? 'oneOf' : key, grammarSchema(value)]));
}

/** Undefined when the request has no tools, or tool_choice is none: then the answer is plain text. */
export function toolPlan(prompt: ChatPrompt, chat: ChatPrompt__Output): ToolPlan | undefined {
  const { family } = prompt;
  if (chat.tools.length === 0 || chat.toolChoice === 'none') return undefined;
  const forced = chat.forcedTool !== '' || chat.toolChoice === 'required';
  let prefill = '';
  let schema: Record<string, unknown> | undefined;
  if (forced) {
    // The runner has checked that a forced tool is among the tools.
    const tools = chat.forcedTool ? chat.tools.filter((tool) => tool.name === chat.forcedTool) : chat.tools;
    const specs: ToolSpec[] = tools.map((tool) => ({ name: tool.name, parameters: grammarSchema(JSON.parse(tool.parameters)) as Record<string, unknown> }));
    ({ prefill, schema } = forcedCallShape(family, specs, chat.parallelToolCalls));
  }
  return { prefill, schema, stream: new ToolCallStream(family, prefill), preserved: prompt.markerTokens, parallel: chat.parallelToolCalls };
}

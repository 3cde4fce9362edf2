import type { GenerationRequest } from '../../engine/engine.js';
import { RunnerError } from '../../shared/errors.js';
import { chatGeneration, samplingOf, type ChatInput, type ChatTurn, type ToolChoice } from '../generation/chat-generation.js';
import type { AnthropicMessage, CountTokensRequest, MessagesRequest } from './anthropic-schemas.js';

/** Text blocks are paragraphs; joined without a separator, two blocks would run into one sentence. */
const joinTexts = (blocks: readonly { text: string }[]) => blocks.map((block) => block.text).join('\n\n');

function blockText(content: string | readonly { text: string }[] | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : joinTexts(content);
}

/**
 * One Anthropic message as chat turns. A user message's tool_result blocks become tool turns
 * (named after the tool_use they answer, which Hermes-style templates print), followed by its
 * text, if any; an assistant message's tool_use blocks become its tool calls.
 */
function turnsOf(message: AnthropicMessage, index: number, toolNames: Map<string, string>): ChatTurn[] {
  const { role, content } = message;
  if (typeof content === 'string') return [{ role, content }];
  const texts = content.filter((block) => block.type === 'text');
  if (role === 'assistant') {
    if (content.some((block) => block.type === 'tool_result')) {
      throw new RunnerError('invalid_request', `messages.${index}: tool_result blocks belong in user messages`, { param: `messages.${index}.content` });
    }
    const turn: ChatTurn = { role, content: joinTexts(texts) };
    const calls = content.filter((block) => block.type === 'tool_use');
    if (calls.length > 0) {
      turn.toolCalls = calls.map((call) => ({ id: call.id, name: call.name, arguments: JSON.stringify(call.input) }));
      for (const call of calls) toolNames.set(call.id, call.name);
    }
    return [turn];
  }
  const turns: ChatTurn[] = [];
  for (const block of content) {
    if (block.type === 'tool_use') {
      throw new RunnerError('invalid_request', `messages.${index}: tool_use blocks belong in assistant messages`, { param: `messages.${index}.content` });
    }
    if (block.type !== 'tool_result') continue;
    const name = toolNames.get(block.tool_use_id);
    if (name === undefined) {
      throw new RunnerError('invalid_request', `messages.${index}: tool_use_id ${block.tool_use_id} answers no tool_use block of an earlier message`, {
        param: `messages.${index}.content`,
      });
    }
    // A failed tool says so, or the model would read its error message as a result.
    const text = blockText(block.content);
    turns.push({ role: 'tool', content: block.is_error ? `Error: ${text}` : text, toolCallId: block.tool_use_id, name });
  }
  if (texts.length > 0 || turns.length === 0) turns.push({ role, content: joinTexts(texts) });
  return turns;
}

function toolChoice(choice: CountTokensRequest['tool_choice']): ToolChoice {
  switch (choice?.type) {
    case undefined:
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'tool':
      return { name: choice.name };
    case 'none':
      return 'none';
  }
}

/** A Messages request's prompt in the terms every API shares. */
export function anthropicChatInput(body: CountTokensRequest): ChatInput {
  const toolNames = new Map<string, string>();
  const system: ChatTurn[] = body.system === undefined ? [] : [{ role: 'system', content: blockText(body.system) }];
  const choice = body.tool_choice;
  return {
    messages: [...system, ...body.messages.flatMap((message, index) => turnsOf(message, index, toolNames))],
    tools: (body.tools ?? []).map((tool) => ({ name: tool.name, description: tool.description ?? '', parameters: tool.input_schema })),
    toolChoice: toolChoice(choice),
    parallelToolCalls: !(choice !== undefined && choice.type !== 'none' && choice.disable_parallel_tool_use === true),
  };
}

export function messagesGeneration(body: MessagesRequest): GenerationRequest {
  return chatGeneration(anthropicChatInput(body), {
    sampling: samplingOf(body),
    maxTokens: body.max_tokens,
    stop: body.stop_sequences ?? [],
  });
}

/**
 * count_tokens runs the prompt as messages would, for one token, and reads the prompt's length
 * off the finish: the count then includes the chat template and the tools exactly as the model
 * sees them, which tokenizing the text alone would not.
 */
export function countTokensGeneration(body: CountTokensRequest): GenerationRequest {
  return chatGeneration(anthropicChatInput(body), { sampling: {}, maxTokens: 1 });
}

import { JinjaTemplateChatWrapper, type ChatHistoryItem, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ChatMessage__Output } from '../proto/generated/modelrunner/engine/v1/ChatMessage.js';

function historyItem(message: ChatMessage__Output): ChatHistoryItem {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { type: 'system', text: message.content };
    case 'assistant':
      return { type: 'model', response: [message.content] };
    default:
      return { type: 'user', text: message.content };
  }
}

/** Renders chat messages with the model's own Jinja chat template, ready for the assistant's turn. */
export class ChatPrompt {
  readonly #wrapper: JinjaTemplateChatWrapper;
  readonly #model: LlamaModel;

  constructor(model: LlamaModel, template: string) {
    this.#model = model;
    this.#wrapper = new JinjaTemplateChatWrapper({ template });
  }

  tokenize(messages: readonly ChatMessage__Output[]): Token[] {
    const chatHistory: ChatHistoryItem[] = [...messages.map(historyItem), { type: 'model', response: [] }];
    const { contextText } = this.#wrapper.generateContextState({ chatHistory });
    return contextText.tokenize(this.#model.tokenizer);
  }
}

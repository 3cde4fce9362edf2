// Original file: engine.proto

import type { ChatMessage as _modelrunner_engine_v1_ChatMessage, ChatMessage__Output as _modelrunner_engine_v1_ChatMessage__Output } from '../../../modelrunner/engine/v1/ChatMessage.js';

export interface ChatPrompt {
  'messages'?: (_modelrunner_engine_v1_ChatMessage)[];
}

export interface ChatPrompt__Output {
  'messages': (_modelrunner_engine_v1_ChatMessage__Output)[];
}

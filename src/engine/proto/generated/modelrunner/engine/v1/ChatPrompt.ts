// Original file: engine.proto

import type { ChatMessage as _modelrunner_engine_v1_ChatMessage, ChatMessage__Output as _modelrunner_engine_v1_ChatMessage__Output } from '../../../modelrunner/engine/v1/ChatMessage.js';
import type { Tool as _modelrunner_engine_v1_Tool, Tool__Output as _modelrunner_engine_v1_Tool__Output } from '../../../modelrunner/engine/v1/Tool.js';

export interface ChatPrompt {
  'messages'?: (_modelrunner_engine_v1_ChatMessage)[];
  'tools'?: (_modelrunner_engine_v1_Tool)[];
  'toolChoice'?: (string);
  'forcedTool'?: (string);
  'parallelToolCalls'?: (boolean);
}

export interface ChatPrompt__Output {
  'messages': (_modelrunner_engine_v1_ChatMessage__Output)[];
  'tools': (_modelrunner_engine_v1_Tool__Output)[];
  'toolChoice': (string);
  'forcedTool': (string);
  'parallelToolCalls': (boolean);
}

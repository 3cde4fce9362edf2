// Original file: engine.proto

import type { ToolCall as _modelrunner_engine_v1_ToolCall, ToolCall__Output as _modelrunner_engine_v1_ToolCall__Output } from '../../../modelrunner/engine/v1/ToolCall.js';

export interface ChatMessage {
  'role'?: (string);
  'content'?: (string);
  'toolCalls'?: (_modelrunner_engine_v1_ToolCall)[];
  'toolCallId'?: (string);
  'name'?: (string);
}

export interface ChatMessage__Output {
  'role': (string);
  'content': (string);
  'toolCalls': (_modelrunner_engine_v1_ToolCall__Output)[];
  'toolCallId': (string);
  'name': (string);
}

// Original file: engine.proto

import type { Finish as _modelrunner_engine_v1_Finish, Finish__Output as _modelrunner_engine_v1_Finish__Output } from '../../../modelrunner/engine/v1/Finish.js';
import type { ToolCall as _modelrunner_engine_v1_ToolCall, ToolCall__Output as _modelrunner_engine_v1_ToolCall__Output } from '../../../modelrunner/engine/v1/ToolCall.js';
import type { TokenLogprob as _modelrunner_engine_v1_TokenLogprob, TokenLogprob__Output as _modelrunner_engine_v1_TokenLogprob__Output } from '../../../modelrunner/engine/v1/TokenLogprob.js';

export interface GenerateEvent {
  'delta'?: (string);
  'finish'?: (_modelrunner_engine_v1_Finish | null);
  'toolCall'?: (_modelrunner_engine_v1_ToolCall | null);
  'logprob'?: (_modelrunner_engine_v1_TokenLogprob | null);
  'event'?: "delta"|"finish"|"toolCall"|"logprob";
}

export interface GenerateEvent__Output {
  'delta'?: (string);
  'finish'?: (_modelrunner_engine_v1_Finish__Output | null);
  'toolCall'?: (_modelrunner_engine_v1_ToolCall__Output | null);
  'logprob'?: (_modelrunner_engine_v1_TokenLogprob__Output | null);
  'event'?: "delta"|"finish"|"toolCall"|"logprob";
}

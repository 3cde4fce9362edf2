// Original file: engine.proto

import type { ChatPrompt as _modelrunner_engine_v1_ChatPrompt, ChatPrompt__Output as _modelrunner_engine_v1_ChatPrompt__Output } from '../../../modelrunner/engine/v1/ChatPrompt.js';
import type { Sampling as _modelrunner_engine_v1_Sampling, Sampling__Output as _modelrunner_engine_v1_Sampling__Output } from '../../../modelrunner/engine/v1/Sampling.js';

export interface GenerateRequest {
  'text'?: (string);
  'chat'?: (_modelrunner_engine_v1_ChatPrompt | null);
  'sampling'?: (_modelrunner_engine_v1_Sampling | null);
  'maxTokens'?: (number);
  'stop'?: (string)[];
  'jsonSchema'?: (string);
  'jsonObject'?: (boolean);
  'ignoreEos'?: (boolean);
  'logprobs'?: (boolean);
  'topLogprobs'?: (number);
  'prompt'?: "text"|"chat";
}

export interface GenerateRequest__Output {
  'text'?: (string);
  'chat'?: (_modelrunner_engine_v1_ChatPrompt__Output | null);
  'sampling': (_modelrunner_engine_v1_Sampling__Output | null);
  'maxTokens': (number);
  'stop': (string)[];
  'jsonSchema': (string);
  'jsonObject': (boolean);
  'ignoreEos': (boolean);
  'logprobs': (boolean);
  'topLogprobs': (number);
  'prompt'?: "text"|"chat";
}

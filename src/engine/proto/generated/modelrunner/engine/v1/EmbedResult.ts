// Original file: engine.proto

import type { EmbedReply as _modelrunner_engine_v1_EmbedReply, EmbedReply__Output as _modelrunner_engine_v1_EmbedReply__Output } from '../../../modelrunner/engine/v1/EmbedReply.js';
import type { Failure as _modelrunner_engine_v1_Failure, Failure__Output as _modelrunner_engine_v1_Failure__Output } from '../../../modelrunner/engine/v1/Failure.js';

export interface EmbedResult {
  'id'?: (number);
  'reply'?: (_modelrunner_engine_v1_EmbedReply | null);
  'failure'?: (_modelrunner_engine_v1_Failure | null);
  'outcome'?: "reply"|"failure";
}

export interface EmbedResult__Output {
  'id': (number);
  'reply'?: (_modelrunner_engine_v1_EmbedReply__Output | null);
  'failure'?: (_modelrunner_engine_v1_Failure__Output | null);
  'outcome'?: "reply"|"failure";
}

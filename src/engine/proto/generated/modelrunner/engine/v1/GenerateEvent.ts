// Original file: engine.proto

import type { Finish as _modelrunner_engine_v1_Finish, Finish__Output as _modelrunner_engine_v1_Finish__Output } from '../../../modelrunner/engine/v1/Finish.js';

export interface GenerateEvent {
  'delta'?: (string);
  'finish'?: (_modelrunner_engine_v1_Finish | null);
  'event'?: "delta"|"finish";
}

export interface GenerateEvent__Output {
  'delta'?: (string);
  'finish'?: (_modelrunner_engine_v1_Finish__Output | null);
  'event'?: "delta"|"finish";
}

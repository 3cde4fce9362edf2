// Original file: engine.proto

import type { Mode as _modelrunner_engine_v1_Mode, Mode__Output as _modelrunner_engine_v1_Mode__Output } from '../../../modelrunner/engine/v1/Mode.js';

export interface LoadRequest {
  'modelPath'?: (string);
  'mode'?: (_modelrunner_engine_v1_Mode);
  'contextSize'?: (number);
  'parallel'?: (number);
  'gpu'?: (string);
  'threads'?: (number);
  'chatTemplatePath'?: (string);
}

export interface LoadRequest__Output {
  'modelPath': (string);
  'mode': (_modelrunner_engine_v1_Mode__Output);
  'contextSize': (number);
  'parallel': (number);
  'gpu': (string);
  'threads': (number);
  'chatTemplatePath': (string);
}

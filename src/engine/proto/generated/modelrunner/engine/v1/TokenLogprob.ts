// Original file: engine.proto

import type { TokenProbability as _modelrunner_engine_v1_TokenProbability, TokenProbability__Output as _modelrunner_engine_v1_TokenProbability__Output } from '../../../modelrunner/engine/v1/TokenProbability.js';

export interface TokenLogprob {
  'sampled'?: (_modelrunner_engine_v1_TokenProbability | null);
  'top'?: (_modelrunner_engine_v1_TokenProbability)[];
}

export interface TokenLogprob__Output {
  'sampled': (_modelrunner_engine_v1_TokenProbability__Output | null);
  'top': (_modelrunner_engine_v1_TokenProbability__Output)[];
}

// Original file: engine.proto

import type { Embedding as _modelrunner_engine_v1_Embedding, Embedding__Output as _modelrunner_engine_v1_Embedding__Output } from '../../../modelrunner/engine/v1/Embedding.js';

export interface EmbedReply {
  'embeddings'?: (_modelrunner_engine_v1_Embedding)[];
  'promptTokens'?: (number);
}

export interface EmbedReply__Output {
  'embeddings': (_modelrunner_engine_v1_Embedding__Output)[];
  'promptTokens': (number);
}

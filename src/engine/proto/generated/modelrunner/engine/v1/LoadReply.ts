// Original file: engine.proto


export interface LoadReply {
  'contextSize'?: (number);
  'embeddingLength'?: (number);
  'gpu'?: (string);
  'parallel'?: (number);
}

export interface LoadReply__Output {
  'contextSize': (number);
  'embeddingLength': (number);
  'gpu': (string);
  'parallel': (number);
}

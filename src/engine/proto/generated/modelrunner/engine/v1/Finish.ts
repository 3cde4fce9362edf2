// Original file: engine.proto


export interface Finish {
  'reason'?: (string);
  'promptTokens'?: (number);
  'completionTokens'?: (number);
  'stopSequence'?: (string);
}

export interface Finish__Output {
  'reason': (string);
  'promptTokens': (number);
  'completionTokens': (number);
  'stopSequence': (string);
}

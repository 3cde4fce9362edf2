// Original file: engine.proto


export interface Finish {
  'reason'?: (string);
  'promptTokens'?: (number);
  'completionTokens'?: (number);
}

export interface Finish__Output {
  'reason': (string);
  'promptTokens': (number);
  'completionTokens': (number);
}

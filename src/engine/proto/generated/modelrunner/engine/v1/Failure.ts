// Original file: engine.proto


export interface Failure {
  'code'?: (string);
  'message'?: (string);
  'param'?: (string);
}

export interface Failure__Output {
  'code': (string);
  'message': (string);
  'param': (string);
}

// Original file: engine.proto


export interface TokenizeRequest {
  'text'?: (string);
}

export interface TokenizeRequest__Output {
  'text': (string);
}

// Original file: engine.proto


export interface EmbedRequest {
  'inputs'?: (string)[];
  'id'?: (number);
}

export interface EmbedRequest__Output {
  'inputs': (string)[];
  'id': (number);
}

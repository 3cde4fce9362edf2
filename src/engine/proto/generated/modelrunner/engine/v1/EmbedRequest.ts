// Original file: engine.proto


export interface EmbedRequest {
  'inputs'?: (string)[];
}

export interface EmbedRequest__Output {
  'inputs': (string)[];
}

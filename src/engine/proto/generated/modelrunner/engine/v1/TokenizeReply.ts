// Original file: engine.proto


export interface TokenizeReply {
  'tokens'?: (number)[];
}

export interface TokenizeReply__Output {
  'tokens': (number)[];
}

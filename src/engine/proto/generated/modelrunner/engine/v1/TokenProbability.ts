// Original file: engine.proto


export interface TokenProbability {
  'token'?: (string);
  'logprob'?: (number | string);
  'bytes'?: (Buffer | Uint8Array | string);
}

export interface TokenProbability__Output {
  'token': (string);
  'logprob': (number);
  'bytes': (Buffer);
}

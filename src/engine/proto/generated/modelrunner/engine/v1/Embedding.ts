// Original file: engine.proto


export interface Embedding {
  'values'?: (number | string)[];
}

export interface Embedding__Output {
  'values': (number)[];
}

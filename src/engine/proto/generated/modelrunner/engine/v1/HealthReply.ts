// Original file: engine.proto


export interface HealthReply {
  'ready'?: (boolean);
  'activeSequences'?: (number);
}

export interface HealthReply__Output {
  'ready': (boolean);
  'activeSequences': (number);
}

// Original file: engine.proto


export interface Sampling {
  'temperature'?: (number | string);
  'topP'?: (number | string);
  'topK'?: (number);
  'minP'?: (number | string);
  'seed'?: (number);
  'presencePenalty'?: (number | string);
  'frequencyPenalty'?: (number | string);
  '_temperature'?: "temperature";
  '_topP'?: "topP";
  '_topK'?: "topK";
  '_minP'?: "minP";
  '_seed'?: "seed";
}

export interface Sampling__Output {
  'temperature'?: (number);
  'topP'?: (number);
  'topK'?: (number);
  'minP'?: (number);
  'seed'?: (number);
  'presencePenalty': (number);
  'frequencyPenalty': (number);
  '_temperature'?: "temperature";
  '_topP'?: "topP";
  '_topK'?: "topK";
  '_minP'?: "minP";
  '_seed'?: "seed";
}

/**
 * `docker-model compose metadata`, as DMR's CLI derives it from its `up` and `down` flags (pflag
 * visits them sorted): Compose passes only the options named here, and checks the required ones.
 */
export const PROVIDER_METADATA = {
  description: 'Docker Model Runner',
  up: {
    parameters: [
      { name: 'backend', description: 'inference backend to use', required: false, type: 'string', default: 'llama.cpp' },
      { name: 'context-size', description: 'context size for the model', required: false, type: 'int64', default: '-1' },
      { name: 'model', description: 'model to use', required: true, type: 'stringArray', default: '[]' },
      { name: 'runtime-flags', description: 'raw runtime flags to pass to the inference engine', required: false, type: 'string' },
      { name: 'speculative-draft-model', description: 'draft model for speculative decoding', required: false, type: 'string' },
      { name: 'speculative-min-acceptance-rate', description: 'minimum acceptance rate for speculative decoding', required: false, type: 'float64', default: '0' },
      { name: 'speculative-num-tokens', description: 'number of tokens to predict speculatively', required: false, type: 'int', default: '0' },
    ],
  },
  down: { parameters: null },
};

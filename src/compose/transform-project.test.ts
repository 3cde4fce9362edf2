import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadProject, transformedSources, type ComposeProject } from './transform-project.js';

const ENDPOINT = 'http://model-runner.docker.internal:12434/engines/v1/';
const HOST_ENTRY = 'model-runner.docker.internal:host-gateway';

type Plain = Record<string, any>;

function load(files: Record<string, string>, env: Record<string, string> = {}): ComposeProject {
  return loadProject(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    (name) => env[name],
  );
}

function transform(files: Record<string, string>, env: Record<string, string> = {}): string[] {
  return transformedSources(load(files, env), ENDPOINT).map((source) => source.text);
}

/** What Compose reads from a transformed file: aliases and merge keys applied, scalars as text. */
function read(text: string): Plain {
  return parse(text, { schema: 'failsafe', merge: true }) as Plain;
}

describe('the Compose transformer', () => {
  it('keeps comments, anchors, merge keys and key order, and parks the model blocks under x- keys', () => {
    const [out] = transform({
      'compose.yaml': `# The chat project
x-common: &common # shared settings
  restart: "no"
services:
  # the web front
  app:
    <<: *common
    image: app   # built elsewhere
    models:
      - llm
models:
  llm:
    model: ai/smollm2 # small
`,
    });
    expect(out).toContain('# The chat project\n');
    // The yaml package moves a comment that follows an anchor onto its own line.
    expect(out).toContain('x-common:\n  # shared settings\n  &common\n');
    expect(out).toContain('  # the web front\n  app:\n    <<: *common\n    image: app # built elsewhere\n    x-models:\n      - llm\n');
    expect(out).toContain('x-models:\n  llm:\n    model: ai/smollm2 # small\n');
    const file = read(out!);
    expect(Object.keys(file)).toEqual(['x-common', 'services', 'x-models']);
    expect(Object.keys(file.services.app)).toEqual(['restart', 'image', 'x-models', 'environment', 'extra_hosts']);
  });

  it('gives services the variables Compose v2 does: key upper-cased with - as _, dots kept, long syntax names honoured', () => {
    const [out] = transform({
      'compose.yaml': `services:
  short:
    image: app
    models: [llm, my-model.v2]
  long:
    image: app
    models:
      llm: {endpoint_var: AI_MODEL_URL, model_var: AI_MODEL_NAME}
      my-model.v2: {endpoint_var: ONLY_ENDPOINT}
      embed: {}
  none:
    image: app
models:
  llm: {model: ai/smollm2}
  my-model.v2: {model: "ai/gemma3:4B-Q4_K_M", context_size: 4096, runtime_flags: ["--temp", "0.2"]}
  embed: {model: ai/embeddinggemma, name: custom-embed-name}
`,
    });
    const { services } = read(out!);
    expect(services.short.environment).toEqual({ LLM_URL: ENDPOINT, LLM_MODEL: 'ai/smollm2', 'MY_MODEL.V2_URL': ENDPOINT, 'MY_MODEL.V2_MODEL': 'ai/gemma3:4B-Q4_K_M' });
    expect(services.long.environment).toEqual({
      AI_MODEL_URL: ENDPOINT,
      AI_MODEL_NAME: 'ai/smollm2',
      ONLY_ENDPOINT: ENDPOINT,
      'MY_MODEL.V2_MODEL': 'ai/gemma3:4B-Q4_K_M',
      EMBED_URL: ENDPOINT,
      EMBED_MODEL: 'ai/embeddinggemma',
    });
    expect(services.short.extra_hosts).toEqual([HOST_ENTRY]);
    expect(services.none).toEqual({ image: 'app' });
  });

  it('provisions only the models some service uses, once per model, with their settings', () => {
    const project = load({
      'compose.yaml': `services:
  app: {image: app, models: [llm, again, flags]}
  ai_runner:
    provider: {type: model, options: {model: [ai/qwen3, ai/smollm2], context-size: "2048", runtime-flags: "--no-prefill-assistant"}}
models:
  llm: {model: ai/smollm2, context_size: 512}
  again: {model: ai/smollm2, runtime_flags: ["--temp", "0.2"]}
  flags: {model: ai/gemma3, runtime_flags: ["--top-k", "4"]}
  unused: {model: ai/never}
`,
    });
    expect(project.plan.provisions).toEqual([
      { models: ['ai/smollm2'], settings: { contextSize: 2048, runtimeFlags: ['--temp', '0.2'], rawRuntimeFlags: '--no-prefill-assistant' } },
      { models: ['ai/gemma3'], settings: { runtimeFlags: ['--top-k', '4'] } },
      { models: ['ai/qwen3'], settings: { contextSize: 2048, rawRuntimeFlags: '--no-prefill-assistant' } },
    ]);
  });

  it('takes provider services out, parks them, drops them from depends_on, and gives dependents SERVICE_URL and SERVICE_MODEL with dashes kept', () => {
    const [out] = transform({
      'compose.yaml': `services:
  chat:
    image: app
    depends_on: [ai_runner, llm-svc, db]
  worker:
    image: app
    depends_on:
      ai_runner: {condition: service_started}
  other:
    image: app
    depends_on: [db]
  db: {image: db}
  ai_runner:
    provider: {type: model, options: {model: ai/smollm2, context-size: 2048}}
  llm-svc:
    provider:
      type: model
      options:
        model: [ai/gemma3, ai/qwen3]
`,
    });
    const file = read(out!);
    expect(Object.keys(file.services)).toEqual(['chat', 'worker', 'other', 'db']);
    expect(Object.keys(file['x-model-provider'])).toEqual(['ai_runner', 'llm-svc']);
    expect(file.services.chat.depends_on).toEqual(['db']);
    expect(file.services.worker.depends_on).toBeUndefined();
    expect(file.services.chat.environment).toEqual({
      AI_RUNNER_URL: ENDPOINT,
      AI_RUNNER_MODEL: 'ai/smollm2',
      'LLM-SVC_URL': ENDPOINT,
      'LLM-SVC_MODEL': 'ai/gemma3,ai/qwen3',
    });
    expect(file.services.worker.environment).toEqual({ AI_RUNNER_URL: ENDPOINT, AI_RUNNER_MODEL: 'ai/smollm2' });
    expect(file.services.other).toEqual({ image: 'app', depends_on: ['db'] });
  });

  it('drops providers from a depends_on that services share through an anchor or a merge key, and keeps the anchor defined', () => {
    const [out] = transform({
      'compose.yaml': `x-base: &base
  depends_on: [ai_runner, db]
services:
  first:
    image: app
    depends_on: &only-ai [ai_runner]
  second:
    image: app
    depends_on: *only-ai
  merged:
    <<: *base
    image: app
  db: {image: db}
  ai_runner:
    provider: {type: model, options: {model: ai/smollm2}}
`,
    });
    const file = read(out!);
    expect(out).toContain('depends_on: &only-ai []\n');
    expect(file.services.second.depends_on).toEqual([]);
    expect(file.services.merged.depends_on).toEqual(['db']);
    for (const name of ['first', 'second', 'merged']) expect(file.services[name].environment).toEqual({ AI_RUNNER_URL: ENDPOINT, AI_RUNNER_MODEL: 'ai/smollm2' });
  });

  it("overwrites the user's own value of an injected variable, as Compose v2 does, in list and map form alike", () => {
    const [out] = transform({
      'compose.yaml': `services:
  listed:
    image: app
    environment:
      - KEEP=1
      - LLM_URL=preset-by-user
      - LLM_MODEL
    models: [llm]
  mapped:
    image: app
    environment:
      KEEP: "1"
      LLM_URL: preset-by-user
    models: [llm]
models:
  llm: {model: ai/smollm2}
`,
    });
    const { services } = read(out!);
    expect(services.listed.environment).toEqual(['KEEP=1', `LLM_URL=${ENDPOINT}`, 'LLM_MODEL=ai/smollm2']);
    expect(services.mapped.environment).toEqual({ KEEP: '1', LLM_URL: ENDPOINT, LLM_MODEL: 'ai/smollm2' });
  });

  it('leaves ${VAR} as written for Compose to interpolate, and interpolates it for the models it provisions', () => {
    const files = {
      'compose.yaml': `name: \${PROJECT:-demo}
services:
  app:
    image: \${IMAGE:-app}
    environment: {GREETING: "$\${escaped}"}
    models: [llm]
models:
  llm:
    model: \${MODEL:-ai/smollm2}
    context_size: \${CONTEXT}
`,
    };
    const [out] = transform(files);
    expect(out).toContain('image: ${IMAGE:-app}\n');
    expect(out).toContain('x-name: ${PROJECT:-demo}\n');
    expect(read(out!).services.app.environment).toEqual({ GREETING: '$${escaped}', LLM_URL: ENDPOINT, LLM_MODEL: '${MODEL:-ai/smollm2}' });
    const project = load(files, { MODEL: 'ai/gemma3', CONTEXT: '1024', PROJECT: 'chat' });
    expect(project.plan.provisions).toEqual([{ models: ['ai/gemma3'], settings: { contextSize: 1024 } }]);
    expect(project.name).toBe('chat');
  });

  it('copies an environment brought by a merge key or an alias before adding to it, and leaves the other services alone', () => {
    const [out] = transform({
      'compose.yaml': `x-env: &env
  SHARED: "1"
x-common: &common
  environment:
    FROM_MERGE: "1"
services:
  merged:
    <<: *common
    image: app
    models: [llm]
  aliased:
    image: app
    environment: *env
    models: [llm]
  bystander:
    image: app
    environment: *env
models:
  llm: {model: ai/smollm2}
`,
    });
    const file = read(out!);
    expect(file.services.merged.environment).toEqual({ FROM_MERGE: '1', LLM_URL: ENDPOINT, LLM_MODEL: 'ai/smollm2' });
    expect(file.services.aliased.environment).toEqual({ SHARED: '1', LLM_URL: ENDPOINT, LLM_MODEL: 'ai/smollm2' });
    expect(file.services.bystander.environment).toEqual({ SHARED: '1' });
    expect(file['x-common'].environment).toEqual({ FROM_MERGE: '1' });
    expect(out).toContain('    environment: *env\n');
  });

  it('parks a models list where a merge key brings it from, so no service still has a models key', () => {
    const [out] = transform({
      'compose.yaml': `x-ai: &ai
  models: [llm]
services:
  app:
    <<: *ai
    image: app
models:
  llm: {model: ai/smollm2}
`,
    });
    const file = read(out!);
    expect(file['x-ai']).toEqual({ 'x-models': ['llm'] });
    expect(file.services.app.models).toBeUndefined();
    expect(file.services.app.environment).toEqual({ LLM_URL: ENDPOINT, LLM_MODEL: 'ai/smollm2' });
  });

  it('keeps extends for Compose to resolve: the extended service carries the variables to the one that extends it', () => {
    const [out] = transform({
      'compose.yaml': `services:
  base:
    image: app
    models: [llm]
  child:
    extends: base
    command: ["node", "child.js"]
  other-file:
    extends: {file: common.yaml, service: web}
models:
  llm: {model: ai/smollm2}
`,
    });
    const { services } = read(out!);
    expect(services.base.environment).toEqual({ LLM_URL: ENDPOINT, LLM_MODEL: 'ai/smollm2' });
    expect(services.base.extra_hosts).toEqual([HOST_ENTRY]);
    expect(services.child).toEqual({ extends: 'base', command: ['node', 'child.js'] });
    expect(services['other-file']).toEqual({ extends: { file: 'common.yaml', service: 'web' } });
  });

  it('adds the runner host next to the user entries, replacing an earlier entry for it, in list and map form', () => {
    const [out] = transform({
      'compose.yaml': `services:
  listed:
    image: app
    extra_hosts: ["db:10.0.0.5", "model-runner.docker.internal=10.1.1.1"]
    models: [llm]
  mapped:
    image: app
    extra_hosts: {db: 10.0.0.5, model-runner.docker.internal: 10.1.1.1}
    models: [llm]
models:
  llm: {model: ai/smollm2}
`,
    });
    const { services } = read(out!);
    expect(services.listed.extra_hosts).toEqual(['db:10.0.0.5', HOST_ENTRY]);
    expect(services.mapped.extra_hosts).toEqual({ db: '10.0.0.5', 'model-runner.docker.internal': 'host-gateway' });
  });

  it('merges several -f files as Compose does: later model settings win, variables go where the service is last defined, providers leave every file', () => {
    const project = load({
      '/p/compose.yaml': `services:
  app:
    image: app
    models: [llm]
    depends_on: [ai_runner]
  ai_runner:
    provider: {type: model, options: {model: ai/smollm2}}
models:
  llm: {model: ai/smollm2, context_size: 512}
`,
      '/p/compose.override.yaml': `services:
  app:
    environment: {DEBUG: "1"}
  ai_runner:
    provider: {options: {context-size: 1024}}
  extra:
    image: app
    models: [embed]
models:
  llm: {context_size: 2048}
  embed: {model: ai/embeddinggemma}
`,
    });
    expect(project.plan.provisions).toEqual([
      { models: ['ai/smollm2'], settings: { contextSize: 1024 } },
      { models: ['ai/embeddinggemma'], settings: {} },
    ]);
    const [first, second] = transformedSources(project, ENDPOINT).map((source) => read(source.text));
    expect(first!.services.app).toEqual({ image: 'app', 'x-models': ['llm'] });
    expect(first!.services.ai_runner).toBeUndefined();
    expect(second!.services.ai_runner).toBeUndefined();
    expect(second!.services.app.environment).toEqual({ DEBUG: '1', LLM_URL: ENDPOINT, LLM_MODEL: 'ai/smollm2', AI_RUNNER_URL: ENDPOINT, AI_RUNNER_MODEL: 'ai/smollm2' });
    expect(second!.services.extra.environment).toEqual({ EMBED_URL: ENDPOINT, EMBED_MODEL: 'ai/embeddinggemma' });
    expect(second!['x-models']).toEqual({ llm: { context_size: '2048' }, embed: { model: 'ai/embeddinggemma' } });
  });

  it('writes a file without models back as it was', () => {
    const text = `# plain project
version: "3.8"
services:
  web:
    image: nginx:1.25 # pinned
    ports: ["8080:80"]
    mode: 0755
    enabled: yes
    ratio: 1.10
    environment:
      - A=\${A:-1}
`;
    expect(transform({ 'compose.yaml': text })).toEqual([text]);
  });

  it('moves the top-level name to x-name and reports it, for Compose 1.29 which rejects the key', () => {
    const project = load({ 'compose.yaml': 'name: chat\nservices:\n  app: {image: app}\n' });
    expect(project.name).toBe('chat');
    expect(read(transformedSources(project, ENDPOINT)[0]!.text)).toEqual({ 'x-name': 'chat', services: { app: { image: 'app' } } });
  });

  describe('rejects a bad file with one line, as Compose words it', () => {
    const cases: Array<[string, string, string]> = [
      ['an undefined model', 'services:\n  app: {image: app, models: [nope]}\nmodels:\n  llm: {model: ai/x}\n', 'service "app" refers to undefined model nope: invalid compose project'],
      ['a model without model', 'services:\n  app: {image: app}\nmodels:\n  llm: {context_size: 1}\n', "models.llm missing property 'model'"],
      ['a model that is not a mapping', 'models:\n  llm: ai/x\n', 'compose.yaml: models.llm must be a mapping'],
      ['runtime flags as a string', 'models:\n  llm: {model: ai/x, runtime_flags: "--temp 1"}\n', 'compose.yaml: models.llm.runtime_flags must be a array'],
      ['an unknown model property', 'models:\n  llm: {model: ai/x, foo: 1}\n', "compose.yaml: models.llm additional properties 'foo' not allowed"],
      ['an unknown reference property', 'services:\n  app: {models: {llm: {url_var: X}}}\nmodels:\n  llm: {model: ai/x}\n', "compose.yaml: services.app.models.llm additional properties 'url_var' not allowed"],
      ['a context size that is not a number', 'services:\n  app: {models: [llm]}\nmodels:\n  llm: {model: ai/x, context_size: big}\n', 'context-size big is out of range (must be an integer between 0 and 2147483647)'],
      ['a provider without a model', 'services:\n  ai:\n    provider: {type: model, options: {context-size: 1}}\n', 'service "ai": required parameter "model" is missing from provider "model" definition'],
      ['a provider of another type', 'services:\n  db:\n    provider: {type: awesomecloud, options: {type: mysql}}\n', 'service "db" has provider type "awesomecloud": only "model" providers can run without Compose\'s provider support'],
      ['malformed YAML', 'services:\n  app: [\n', 'compose.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1'],
      ['a file that is not a mapping', '- app\n', 'compose.yaml: top-level object must be a mapping'],
      ['a required variable that is unset', 'services:\n  app: {models: [llm]}\nmodels:\n  llm: {model: "${MODEL:?set MODEL}"}\n', 'required variable MODEL is missing a value: set MODEL'],
    ];
    it.each(cases)('%s', (_name, text, message) => {
      expect(() => load({ 'compose.yaml': text })).toThrow(message);
      expect(message).not.toContain('\n');
    });
  });
});

import { RunnerError } from '../shared/errors.js';
import { contextSize } from './context-size.js';
import type { ComposeView, ModelReference, ProviderDefinition } from './compose-view.js';
import { interpolate, type Lookup } from './interpolate.js';

/** How a model is configured: what Compose's `context_size` and `runtime_flags` say. */
export interface ModelSettings {
  contextSize?: number;
  /** llama.cpp flags as one string, as Compose's provider options give them. */
  rawRuntimeFlags?: string;
  runtimeFlags?: string[];
}

/** Two variables a service gets for one model: the runner's URL and the model's reference. */
export interface ModelVariables {
  urlVariable: string;
  modelVariable: string;
  /** As written in the file: Compose interpolates it in the service's environment as it would have in `models:`. */
  model: string;
}

/** Models to pull when missing and configure, with their settings. */
export interface ModelProvision {
  models: string[];
  settings: ModelSettings;
}

export interface ModelPlan {
  provisions: ModelProvision[];
  /** Per service, what Compose v2 would inject into it. */
  variables: Map<string, ModelVariables[]>;
  /** `provider: {type: model}` services: they have no container, and are taken out of the file. */
  providers: Set<string>;
}

function invalid(message: string): RunnerError {
  return new RunnerError('invalid_request', message);
}

/** `models:` naming (compose-empirics §3): the key upper-cased with `-` as `_`; dots stay. */
function referenceVariables(key: string, reference: ModelReference, model: string): ModelVariables {
  const prefix = key.toUpperCase().replaceAll('-', '_');
  return { urlVariable: reference.endpointVar ?? `${prefix}_URL`, modelVariable: reference.modelVar ?? `${prefix}_MODEL`, model };
}

/** Provider naming (compose-empirics §4): the service name upper-cased, dashes kept; models comma-joined. */
function providerVariables(service: string, provider: ProviderDefinition): ModelVariables {
  const prefix = service.toUpperCase();
  return { urlVariable: `${prefix}_URL`, modelVariable: `${prefix}_MODEL`, model: provider.options.model!.join(',') };
}

function checkedProvider(service: string, provider: ProviderDefinition): ProviderDefinition {
  if (provider.type !== 'model') throw invalid(`service "${service}" has provider type "${provider.type ?? ''}": only "model" providers can run without Compose's provider support`);
  if (!provider.options.model?.length) throw invalid(`service "${service}": required parameter "model" is missing from provider "model" definition`);
  const backend = provider.options.backend?.[0];
  if (backend && backend !== 'llama.cpp') throw invalid(`service "${service}": backend ${backend} is not available: this runner has llama.cpp only`);
  return provider;
}

function providerProvision(provider: ProviderDefinition, lookup: Lookup): ModelProvision {
  const resolve = (text: string) => interpolate(text, lookup);
  const size = contextSize(provider.options['context-size']?.map(resolve)[0]);
  const flags = provider.options['runtime-flags']?.map(resolve).join(' ');
  return { models: provider.options.model!.map(resolve), settings: { ...(size === undefined ? {} : { contextSize: size }), ...(flags ? { rawRuntimeFlags: flags } : {}) } };
}

/**
 * One provision per model: configuring a model twice would find it loading from the first
 * configure (the runner preloads) and be refused. Where several definitions name one model, a
 * later one's settings override an earlier one's, setting by setting.
 */
function oncePerModel(provisions: readonly ModelProvision[]): ModelProvision[] {
  const settings = new Map<string, ModelSettings>();
  for (const provision of provisions) for (const model of provision.models) settings.set(model, { ...settings.get(model), ...provision.settings });
  return [...settings].map(([model, merged]) => ({ models: [model], settings: merged }));
}

/**
 * What the file's models and model providers come to: which models to provision, which variables
 * each service gets, and which services are providers. Checked as Compose checks them, so a bad
 * file fails here, before anything is pulled or started.
 */
export function planModels(view: ComposeView, lookup: Lookup): ModelPlan {
  const resolve = (text: string) => interpolate(text, lookup);
  for (const [key, definition] of Object.entries(view.models)) if (definition.model === undefined) throw invalid(`models.${key} missing property 'model'`);
  const providers = new Map(Object.entries(view.services).flatMap(([name, service]) => (service.provider ? [[name, checkedProvider(name, service.provider)] as const] : [])));
  const variables = new Map<string, ModelVariables[]>();
  const used = new Set<string>();
  for (const [name, service] of Object.entries(view.services)) {
    if (providers.has(name)) continue;
    const fromModels = Object.entries(service.models).map(([key, reference]) => {
      const definition = view.models[key];
      if (!definition) throw invalid(`service "${name}" refers to undefined model ${key}: invalid compose project`);
      used.add(key);
      return referenceVariables(key, reference, definition.model!);
    });
    const fromProviders = service.dependsOn.flatMap((dependency) => {
      const provider = providers.get(dependency);
      return provider ? [providerVariables(dependency, provider)] : [];
    });
    if (fromModels.length || fromProviders.length) variables.set(name, [...fromModels, ...fromProviders]);
  }
  // Compose provisions only the models some service uses.
  const modelProvisions = [...used].map((key): ModelProvision => {
    const definition = view.models[key]!;
    const size = contextSize(definition.contextSize === undefined ? undefined : resolve(definition.contextSize));
    const flags = definition.runtimeFlags?.map(resolve);
    return { models: [resolve(definition.model!)], settings: { ...(size === undefined ? {} : { contextSize: size }), ...(flags?.length ? { runtimeFlags: flags } : {}) } };
  });
  return {
    provisions: oncePerModel([...modelProvisions, ...[...providers.values()].map((provider) => providerProvision(provider, lookup))]),
    variables,
    providers: new Set(providers.keys()),
  };
}

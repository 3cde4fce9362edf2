import { RunnerError } from '../shared/errors.js';

/** A top-level `models:` entry, as written (values are interpolated only when used). */
export interface ModelDefinition {
  model?: string;
  contextSize?: string;
  runtimeFlags?: string[];
}

/** A service's reference to a model key; the long syntax may rename the two variables. */
export interface ModelReference {
  endpointVar?: string;
  modelVar?: string;
}

export interface ProviderDefinition {
  type?: string;
  options: Record<string, string[]>;
}

export interface ServiceView {
  models: Record<string, ModelReference>;
  provider?: ProviderDefinition;
  dependsOn: string[];
}

/** What the transformer reads from a Compose file: the parts about models, nothing else. */
export interface ComposeView {
  name?: string;
  models: Record<string, ModelDefinition>;
  services: Record<string, ServiceView>;
}

type Plain = Record<string, unknown>;

function invalid(message: string): RunnerError {
  return new RunnerError('invalid_request', message);
}

function isMapping(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** YAML's spellings of null, which the failsafe schema leaves as text. */
function isNull(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && ['', '~', 'null', 'Null', 'NULL'].includes(value));
}

function mapping(value: unknown, where: string): Plain {
  if (isNull(value)) return {};
  if (!isMapping(value)) throw invalid(`${where} must be a mapping`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw invalid(`${where} must be a string`);
  return value;
}

function onlyKeys(value: Plain, allowed: readonly string[], where: string): void {
  const extra = Object.keys(value).filter((key) => !allowed.includes(key) && !key.startsWith('x-'));
  if (extra.length) throw invalid(`${where} additional properties ${extra.map((key) => `'${key}'`).join(', ')} not allowed`);
}

function modelDefinition(value: unknown, key: string): ModelDefinition {
  const where = `models.${key}`;
  if (!isMapping(value)) throw invalid(`${where} must be a mapping`);
  onlyKeys(value, ['model', 'name', 'context_size', 'runtime_flags'], where);
  const flags = value.runtime_flags;
  if (flags !== undefined && !(Array.isArray(flags) && flags.every((flag) => typeof flag === 'string'))) throw invalid(`${where}.runtime_flags must be a array`);
  return {
    ...(value.model === undefined ? {} : { model: text(value.model, `${where}.model`) }),
    ...(isNull(value.context_size) ? {} : { contextSize: text(value.context_size, `${where}.context_size`) }),
    ...(flags === undefined ? {} : { runtimeFlags: flags as string[] }),
  };
}

function modelReferences(value: unknown, service: string): Record<string, ModelReference> {
  const where = `services.${service}.models`;
  if (isNull(value)) return {};
  if (Array.isArray(value)) return Object.fromEntries(value.map((key) => [text(key, where), {}]));
  return Object.fromEntries(
    Object.entries(mapping(value, where)).map(([key, options]) => {
      const reference = mapping(options, `${where}.${key}`);
      onlyKeys(reference, ['endpoint_var', 'model_var'], `${where}.${key}`);
      return [
        key,
        {
          ...(reference.endpoint_var === undefined ? {} : { endpointVar: text(reference.endpoint_var, `${where}.${key}.endpoint_var`) }),
          ...(reference.model_var === undefined ? {} : { modelVar: text(reference.model_var, `${where}.${key}.model_var`) }),
        },
      ];
    }),
  );
}

function provider(value: unknown, service: string): ProviderDefinition {
  const where = `services.${service}.provider`;
  const block = mapping(value, where);
  const options = Object.entries(mapping(block.options, `${where}.options`)).map(([name, option]) => {
    const values = Array.isArray(option) ? option : [option];
    return [name, values.map((item) => text(item, `${where}.options.${name}`))] as const;
  });
  return { ...(block.type === undefined ? {} : { type: text(block.type, `${where}.type`) }), options: Object.fromEntries(options) };
}

function dependencies(value: unknown, service: string): string[] {
  if (isNull(value)) return [];
  if (Array.isArray(value)) return value.map((name) => text(name, `services.${service}.depends_on`));
  return Object.keys(mapping(value, `services.${service}.depends_on`));
}

function serviceView(value: unknown, name: string): ServiceView {
  const service = mapping(value, `services.${name}`);
  return {
    models: modelReferences(service.models, name),
    ...(service.provider === undefined ? {} : { provider: provider(service.provider, name) }),
    dependsOn: dependencies(service.depends_on, name),
  };
}

/** The model parts of one file's plain value, checked as Compose checks them. */
export function composeView(file: Plain): ComposeView {
  const models = Object.entries(mapping(file.models, 'models')).map(([key, value]) => [key, modelDefinition(value, key)] as const);
  const services = Object.entries(mapping(file.services, 'services')).map(([name, value]) => [name, serviceView(value, name)] as const);
  return {
    ...(file.name === undefined ? {} : { name: text(file.name, 'name') }),
    models: Object.fromEntries(models),
    services: Object.fromEntries(services),
  };
}

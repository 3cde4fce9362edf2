import type { ComposeView, ModelReference, ServiceView } from './compose-view.js';

function mergeReferences(base: Record<string, ModelReference>, override: Record<string, ModelReference>): Record<string, ModelReference> {
  const merged = { ...base };
  for (const [key, reference] of Object.entries(override)) merged[key] = { ...merged[key], ...reference };
  return merged;
}

function mergeService(base: ServiceView | undefined, override: ServiceView): ServiceView {
  if (!base) return override;
  const provider =
    base.provider && override.provider
      ? { type: override.provider.type ?? base.provider.type, options: { ...base.provider.options, ...override.provider.options } }
      : (override.provider ?? base.provider);
  return {
    models: mergeReferences(base.models, override.models),
    ...(provider ? { provider } : {}),
    dependsOn: [...new Set([...base.dependsOn, ...override.dependsOn])],
  };
}

/**
 * Several `-f` files, merged as Compose merges them for the keys read here: a later file adds
 * to or overrides a model's fields, a service's model references and provider options by key,
 * and adds to its dependencies.
 */
export function mergeViews(views: readonly ComposeView[]): ComposeView {
  const merged: ComposeView = { models: {}, services: {} };
  for (const view of views) {
    if (view.name !== undefined) merged.name = view.name;
    for (const [key, model] of Object.entries(view.models)) merged.models[key] = { ...merged.models[key], ...model };
    for (const [name, service] of Object.entries(view.services)) merged.services[name] = mergeService(merged.services[name], service);
  }
  return merged;
}

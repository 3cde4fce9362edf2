import { isMap, isSeq, YAMLMap, type Document, type Pair } from 'yaml';
import type { ModelPlan } from './model-plan.js';
import { injectModelAccess } from './service-injection.js';
import { freeKey, keyText, providingMap, renameKey, resolveNode, scalarText } from './yaml-nodes.js';

export interface RewriteOptions {
  plan: ModelPlan;
  /** The URL services reach the runner at. */
  endpoint: string;
  /** The services whose last definition is in this file: the variables go there, so they win over earlier files. */
  injectInto: ReadonlySet<string>;
}

/** Takes the removed providers out of `depends_on`, where it is written (a merged-in list is shared by every service that merges it). */
function dropProviderDependencies(doc: Document, service: YAMLMap, providers: ReadonlySet<string>): void {
  const holder = providingMap(doc, service, 'depends_on');
  if (!holder) return;
  const written: unknown = holder.get('depends_on', true);
  const dependencies = resolveNode(doc, written);
  if (!isSeq(dependencies) && !isMap(dependencies)) return;
  if (isSeq(dependencies)) dependencies.items = dependencies.items.filter((item) => !providers.has(scalarText(doc, item) ?? ''));
  else dependencies.items = dependencies.items.filter((pair) => !providers.has(keyText(pair) ?? ''));
  // An emptied list of the service's own goes; one that others alias or merge stays, empty.
  if (dependencies.items.length === 0 && holder === service && written === dependencies && !dependencies.anchor) service.delete('depends_on');
}

/**
 * Rewrites one Compose file in place for a Compose that knows neither `models:` nor `provider:`
 * (1.29, or v2 before 2.38): the model blocks are parked under `x-` keys, which every Compose
 * accepts and ignores; provider services move under `x-model-provider` and leave `depends_on`;
 * and services get the variables and the runner's host entry. Comments, anchors and key order
 * stay as they were.
 */
export function rewriteDocument(doc: Document, options: RewriteOptions): void {
  const top = doc.contents as YAMLMap;
  renameKey(top, 'models', freeKey(top, 'x-models'));
  // Compose 1.29 rejects a top-level `name`; the caller passes it as the project name instead.
  renameKey(top, 'name', freeKey(top, 'x-name'));
  const services = resolveNode(doc, top.get('services', true));
  if (!isMap(services)) return;
  const parked: Pair[] = [];
  for (const pair of [...services.items]) {
    const name = keyText(pair) ?? '';
    if (options.plan.providers.has(name)) {
      services.items.splice(services.items.indexOf(pair), 1);
      parked.push(pair);
      continue;
    }
    const service = resolveNode(doc, pair.value);
    if (!isMap(service)) continue;
    const modelsHolder = providingMap(doc, service, 'models');
    if (modelsHolder) renameKey(modelsHolder, 'models', freeKey(modelsHolder, 'x-models'));
    dropProviderDependencies(doc, service, options.plan.providers);
    const variables = options.plan.variables.get(name);
    if (variables && options.injectInto.has(name)) injectModelAccess(doc, service, variables, options.endpoint);
  }
  if (parked.length) {
    const providers = new YAMLMap();
    providers.items = parked;
    top.add(doc.createPair(freeKey(top, 'x-model-provider'), providers));
  }
}

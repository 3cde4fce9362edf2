import { isMap, isSeq, Scalar, YAMLMap, YAMLSeq, type Document, type Node } from 'yaml';
import { RUNNER_ALIAS, RUNNER_EXTRA_HOST, withRunnerHost } from '../shared/runner-host.js';
import type { ModelVariables } from './model-plan.js';
import { ownCollection, scalarText } from './yaml-nodes.js';

/** Quoted, so no YAML 1.1 reader takes a value such as `yes` or `1.0` for something else. */
function quoted(value: string): Scalar {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

/** Sets `name` in `environment:`, map or `NAME=value` list alike; Compose v2 overwrites a user's value too. */
function setVariable(doc: Document, environment: Node, name: string, value: string): void {
  if (isMap(environment)) return environment.set(name, quoted(value));
  if (!isSeq(environment)) return;
  const entry = quoted(`${name}=${value}`);
  const index = environment.items.findIndex((item) => {
    const text = scalarText(doc, item);
    return text === name || text?.startsWith(`${name}=`);
  });
  if (index === -1) environment.items.push(entry);
  else environment.items[index] = entry;
}

/** The runner's name through `host-gateway` (withRunnerHost), keeping the user's other entries as written. */
function addRunnerHost(doc: Document, extraHosts: Node): void {
  if (isMap(extraHosts)) {
    extraHosts.delete(RUNNER_ALIAS);
    extraHosts.set(RUNNER_ALIAS, quoted(RUNNER_EXTRA_HOST.slice(RUNNER_ALIAS.length + 1)));
    return;
  }
  if (!isSeq(extraHosts)) return;
  const wanted = withRunnerHost(extraHosts.items.flatMap((item) => scalarText(doc, item) ?? []));
  const kept = extraHosts.items.filter((item) => wanted.includes(scalarText(doc, item) ?? ''));
  const present = new Set(kept.map((item) => scalarText(doc, item)));
  extraHosts.items = [...kept, ...wanted.filter((entry) => !present.has(entry)).map(quoted)];
}

/**
 * What Compose v2 gives a service that uses models (the variables), plus what it needs to reach
 * the runner from a project network on Docker Engine: `model-runner.docker.internal` through
 * `host-gateway`, the bridge gateway where the runner is published.
 */
export function injectModelAccess(doc: Document, service: YAMLMap, variables: readonly ModelVariables[], endpoint: string): void {
  const environment = ownCollection(doc, service, 'environment', () => new YAMLMap());
  for (const variable of variables) {
    setVariable(doc, environment, variable.urlVariable, endpoint);
    setVariable(doc, environment, variable.modelVariable, variable.model);
  }
  addRunnerHost(doc, ownCollection(doc, service, 'extra_hosts', () => new YAMLSeq()));
}

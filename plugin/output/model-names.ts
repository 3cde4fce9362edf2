/**
 * A stored tag as DMR's CLI shows it: the default registry and the `ai/` organisation dropped,
 * `:latest` dropped ("docker.io/ai/gemma3:latest" → "gemma3", "hf.co/org/m:latest" → "hf.co/org/m").
 */
export function displayName(tag: string, defaultRegistry = process.env.DEFAULT_REGISTRY || 'index.docker.io'): string {
  const registries = ['index.docker.io', 'docker.io'].includes(defaultRegistry) ? ['index.docker.io/', 'docker.io/'] : [`${defaultRegistry.replace(/\/$/, '')}/`];
  let name = tag;
  const registry = registries.find((prefix) => name.startsWith(prefix));
  if (registry) name = name.slice(registry.length);
  if (name.startsWith('ai/')) name = name.slice(3);
  if (name.endsWith(':latest')) name = name.slice(0, -7);
  return name;
}

/** A reference without its tag; a `:` before the last `/` is a registry port. */
function repository(reference: string): string {
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}

/** `ls` filters as DMR: a name without `/` is in `ai/`; with a tag, the tag must match exactly. */
export function modelFilter(filter: string): (tag: string) => boolean {
  const wanted = filter.includes('/') ? filter : `ai/${filter}`;
  const exact = repository(wanted) !== wanted;
  return (tag) => {
    const name = tag.replace(/^(index\.)?docker\.io\//, '');
    return exact ? name === wanted : repository(name) === wanted;
  };
}

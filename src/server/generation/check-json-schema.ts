const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SCHEMA_MAPS = ['properties', '$defs', 'definitions', 'patternProperties'] as const;
const SCHEMA_VALUES = ['items', 'additionalProperties', 'not', 'contains'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What is wrong with a JSON schema's structure, or undefined when nothing is: the mistakes a client
 * makes (an unknown type, properties that are not schemas, required that is not a list of names),
 * found before they reach a grammar or a template. It does not judge what a schema means.
 */
export function jsonSchemaProblem(schema: unknown, path = ''): string | undefined {
  if (typeof schema === 'boolean') return undefined;
  if (!isRecord(schema)) return `${path || 'the schema'} must be an object`;
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    const unknown = types.find((entry) => typeof entry !== 'string' || !TYPES.has(entry));
    if (types.length === 0 || unknown !== undefined) return `${path}.type ${JSON.stringify(unknown ?? type)} is not a JSON schema type`;
  }
  const required = schema['required'];
  if (required !== undefined && !(Array.isArray(required) && required.every((name) => typeof name === 'string'))) {
    return `${path}.required must be a list of property names`;
  }
  const choices = schema['enum'];
  if (choices !== undefined && !Array.isArray(choices)) return `${path}.enum must be a list`;
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `${path}.${key} must be a list of schemas`;
    for (const [index, entry] of list.entries()) {
      const problem = jsonSchemaProblem(entry, `${path}.${key}[${index}]`);
      if (problem) return problem;
    }
  }
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (map === undefined) continue;
    if (!isRecord(map)) return `${path}.${key} must be an object of schemas`;
    for (const [name, entry] of Object.entries(map)) {
      const problem = jsonSchemaProblem(entry, `${path}.${key}.${name}`);
      if (problem) return problem;
    }
  }
  for (const key of SCHEMA_VALUES) {
    if (schema[key] === undefined) continue;
    const problem = jsonSchemaProblem(schema[key], `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

import { describe, expect, it } from 'vitest';
import { jsonSchemaProblem } from './check-json-schema.js';

describe('jsonSchemaProblem', () => {
  it('accepts the schemas tools are written with', () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, when: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] }, tags: { type: 'array', items: { enum: ['a', 'b'] } } },
      required: ['city'],
      additionalProperties: false,
      $defs: { unit: { enum: ['c', 'f'] } },
    };
    expect(jsonSchemaProblem(schema)).toBeUndefined();
    expect(jsonSchemaProblem({})).toBeUndefined();
  });

  it('names where a schema is malformed', () => {
    expect(jsonSchemaProblem({ type: 'objekt' }, 'parameters')).toBe('parameters.type "objekt" is not a JSON schema type');
    expect(jsonSchemaProblem({ type: 'object', properties: { a: { type: ['string', 'text'] } } }, 'p')).toBe('p.properties.a.type "text" is not a JSON schema type');
    expect(jsonSchemaProblem({ required: 'a' }, 'p')).toBe('p.required must be a list of property names');
    expect(jsonSchemaProblem({ properties: [] }, 'p')).toBe('p.properties must be an object of schemas');
    expect(jsonSchemaProblem({ items: 3 }, 'p')).toBe('p.items must be an object');
    expect(jsonSchemaProblem('string', 'p')).toBe('p must be an object');
  });
});

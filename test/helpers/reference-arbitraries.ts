import fc from 'fast-check';

const HEX = '0123456789abcdef';

const digest = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HEX), minLength: 64, maxLength: 64 }).map((hex) => `sha256:${hex}`),
  fc.string({ unit: fc.constantFrom(...`${HEX}ABCXYZ:`), maxLength: 70 }).map((hex) => `sha256:${hex}`),
  fc.string({ maxLength: 12 }),
);

const registry = fc.oneof(
  fc.constantFrom('docker.io', 'index.docker.io', 'registry-1.docker.io', 'hf.co', 'huggingface.co', 'localhost', 'ghcr.io', 'models.local'),
  fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,12}(:[0-9]{1,6})?$/),
  fc.stringMatching(/^(\d{1,4}\.){1,5}\d{1,4}(:\d{1,6})?$/),
  fc.stringMatching(/^\[[0-9a-f:]{2,12}\](:[0-9]{1,5})?$/),
);

/** Components near the grammar: separators doubled or leading, mixed case, and now and then very long. */
const component = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-zA-Z0-9]{1,8}([._-]{1,3}[a-zA-Z0-9]{1,8}){0,2}$/) },
  { weight: 1, arbitrary: fc.constantFrom('ai', 'library', '..', '.', '', 'a'.repeat(120), 'b'.repeat(250)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

const tag = fc.oneof(
  fc.stringMatching(/^[\w][\w.-]{0,20}$/),
  fc.constantFrom('', 'latest', 'Q4_K_M', '-lead', 'x'.repeat(128), 'y'.repeat(129)),
  fc.string({ maxLength: 6 }),
);

/** Reference-shaped strings, assembled from parts that are mostly valid, plus arbitrary text. */
const assembledReference = fc
  .record({
    registry: fc.option(registry, { nil: undefined }),
    path: fc.array(component, { minLength: 1, maxLength: 3 }),
    tag: fc.option(tag, { nil: undefined }),
    digest: fc.option(digest, { nil: undefined }),
    padding: fc.constantFrom('', ' ', '\t', '\n'),
  })
  .map(({ registry, path, tag, digest, padding }) => {
    const name = [...(registry === undefined ? [] : [registry]), ...path].join('/');
    return `${padding}${name}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}${padding}`;
  });

export const referenceLike: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: assembledReference },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'aZ09._-/:@ \t\u0000é'), maxLength: 40 }) },
);

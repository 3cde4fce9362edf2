import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelName } from '../src/store/model-reference.js';
import { startFakeRegistry, type FakeRegistry } from './helpers/fake-registry.js';
import { fuzzParameters } from './helpers/fuzz-runs.js';
import { workerPids } from './helpers/worker-processes.js';
import { edgeJsonValue } from './helpers/json-mutations.js';
import { runnerWithTinyModels } from './helpers/packaged-runner.js';
import { referenceLike } from './helpers/reference-arbitraries.js';
import type { RunningRunner } from './helpers/runner-process.js';

/** A request that takes longer than this is a hang; the bodies below never ask for long work. */
const REQUEST_TIMEOUT_MS = 8_000;

type ErrorStyle = 'text' | 'openai';

/** A body a fuzzed request carries: JSON (as a value, so failures print readably), JSON text, or raw bytes. */
type Body = { json: unknown } | { text: string } | { bytes: Uint8Array };

interface FuzzRequest {
  path: string;
  body: Body;
  contentType: string | undefined;
}

let registry: FakeRegistry;
let runner: RunningRunner;

beforeAll(async () => {
  // Docker Hub names are pulled from a stub that knows no repository.
  registry = await startFakeRegistry();
  runner = await runnerWithTinyModels({ env: { DEFAULT_REGISTRY: registry.host } });
});

afterAll(async () => {
  await runner?.[Symbol.asyncDispose]();
  await registry?.close();
});

/**
 * Whether pulling `reference` would stay on this machine. Other registries are out of reach here,
 * and DMR answers a registry it cannot reach with a 500, so those references are left out.
 */
function pullsFromStub(reference: string): boolean {
  try {
    return parseModelName(reference).registry === 'docker.io';
  } catch {
    return true;
  }
}

/** Mostly a value of the field's type, now and then an edge value of any type: about one field of a body is wrong. */
const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 10, arbitrary: valid }, { weight: 1, arbitrary: edgeJsonValue });

/**
 * An object of schema fields (required or optional), now and then a stray key, and `exact` fields
 * that are never swapped for edge values (an `undefined` one is left out of the JSON).
 */
function shaped<T extends Record<string, fc.Arbitrary<unknown>>>(
  fields: T,
  requiredKeys: (keyof T)[],
  exact: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<unknown> {
  const wrapped = Object.fromEntries(Object.entries(fields).map(([key, arbitrary]) => [key, field(arbitrary)]));
  const stray = fc.dictionary(fc.string({ maxLength: 8 }), edgeJsonValue, { maxKeys: 1 });
  return fc
    .tuple(stray, fc.record(wrapped, { requiredKeys: requiredKeys as string[] }), fc.record(exact))
    .map(([extra, body, fixed]) => ({ ...extra, ...body, ...fixed }));
}

const shortText = fc.string({ maxLength: 16 });
/** Generation never names the embedding model: a third worker could overflow a small machine's worker slots (one per CPU) and thrash. */
const chatModel = fc.constantFrom('ai/tiny', 'tiny', 'ai/absent');
/** A token limit is at most three or invalid, so that no valid body asks for a long generation. */
const maxTokens = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, '2', null, true) });

const sampling = {
  temperature: fc.double({ min: 0, max: 2, noNaN: true }),
  top_p: fc.double({ min: 0, max: 1, noNaN: true }),
  top_k: fc.nat(),
  min_p: fc.double({ min: 0, max: 1, noNaN: true }),
  seed: fc.integer(),
  presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
  frequency_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
  stop: fc.oneof(shortText, fc.array(shortText, { maxLength: 2 })),
  stream: fc.boolean(),
  stream_options: fc.record({ include_usage: fc.boolean() }),
  n: fc.constant(1),
  ignore_eos: fc.boolean(),
};

const message = shaped(
  {
    role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool'),
    content: fc.oneof(shortText, fc.array(shaped({ type: fc.constant('text'), text: shortText }, ['type', 'text']), { maxLength: 2 }), fc.constant(null)),
  },
  ['role'],
);

const responseFormat = fc.oneof(
  fc.record({ type: fc.constantFrom('text', 'json_object') }),
  fc.record({ type: fc.constant('json_schema'), json_schema: fc.record({ name: shortText, schema: fc.constantFrom({ type: 'object' }, { type: 'string' }, {}) }) }),
);

const openAIBodies = {
  'chat/completions': shaped(
    { model: chatModel, messages: fc.array(message, { minLength: 1, maxLength: 3 }), response_format: responseFormat, ...sampling },
    ['model', 'messages'],
    { max_tokens: maxTokens, max_completion_tokens: fc.option(maxTokens, { nil: undefined }) },
  ),
  completions: shaped({ model: chatModel, prompt: fc.oneof(shortText, fc.array(shortText, { minLength: 1, maxLength: 2 })), ...sampling }, ['model', 'prompt'], { max_tokens: maxTokens }),
  embeddings: shaped(
    { model: fc.constantFrom('ai/tiny-embed', 'ai/absent'), input: fc.oneof(shortText, fc.array(shortText, { minLength: 1, maxLength: 2 })), encoding_format: fc.constantFrom('float', 'base64') },
    ['model', 'input'],
  ),
};

/**
 * Repackaged models go to a few fixed names, so that the store stays small however long the run;
 * pushes name a model the store lacks, as a push of a stored one needs a registry that accepts it.
 */
const dmrBodies: Record<string, fc.Arbitrary<unknown>> = {
  '/models/create': shaped({ from: referenceLike.filter(pullsFromStub), 'bearer-token': shortText }, ['from']),
  '/models/ai/absent/push': shaped({ 'bearer-token': shortText }, []),
  '/models/ai/tiny-embed/repackage': shaped({ target: fc.constantFrom('fuzz/a', 'fuzz/b:v1'), context_size: fc.constantFrom(512, 1024) }, ['target']),
};

/** Configuration and unloading name models that do not exist (but for edge values), so workers rarely start or stop. */
const engineBodies: Record<string, fc.Arbitrary<unknown>> = {
  '/engines/_configure': shaped(
    {
      model: fc.constantFrom('ai/absent', 'absent:v1'),
      mode: fc.constantFrom('completion', 'embedding'),
      'context-size': fc.integer({ min: -1, max: 4096 }),
      'runtime-flags': fc.array(shortText, { maxLength: 2 }),
      'raw-runtime-flags': shortText,
      keep_alive: shortText,
    },
    ['model'],
  ),
  '/engines/llama.cpp/_configure': shaped({ model: fc.constant('ai/absent'), mode: fc.constantFrom('completion', 'embedding') }, ['model']),
  '/engines/unload': shaped({ all: fc.constant(false), backend: fc.constant('llama.cpp'), models: fc.array(fc.constantFrom('ai/absent', 'absent'), { maxLength: 2 }) }, []),
};

function bodies(json: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ json }) },
    { weight: 1, arbitrary: fc.record({ text: fc.json({ maxDepth: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ bytes: fc.uint8Array({ maxLength: 64 }) }) },
  );
}

const contentType = fc.constantFrom(undefined, 'application/json', 'text/plain');

const openAIRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    prefix: fc.constantFrom('/engines/v1', '/engines/llama.cpp/v1', '/v1', '/exp/vDD4.40/engines/v1'),
    endpoint: fc.constantFrom(...(Object.keys(openAIBodies) as (keyof typeof openAIBodies)[])),
    contentType,
  })
  .chain(({ prefix, endpoint, contentType }) => bodies(openAIBodies[endpoint]).map((body) => ({ path: `${prefix}/${endpoint}`, body, contentType })));

function requestsFor(table: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({ path: fc.constantFrom(...Object.keys(table)), contentType })
    .chain(({ path, contentType }) => bodies(table[path]!).map((body) => ({ path, body, contentType })));
}

function payload(body: Body): string | Uint8Array {
  if ('json' in body) return JSON.stringify(body.json) ?? '';
  return 'text' in body ? body.text : body.bytes;
}

/** Reads an event stream, failing on an error frame that reports a server fault rather than a bad request. */
function expectNoServerFault(stream: string): void {
  for (const line of stream.split('\n').filter((text) => text.startsWith('data: {'))) {
    const frame = JSON.parse(line.slice('data: '.length)) as { error?: { type?: string } };
    expect(frame.error?.type, line).not.toBe('server_error');
  }
}

function expectErrorBody(style: ErrorStyle, contentType: string | null, text: string): void {
  if (style === 'text') {
    expect(contentType).toBe('text/plain; charset=utf-8');
    expect(text).toMatch(/^.+\n$/s);
    return;
  }
  expect(contentType).toMatch(/^application\/json/);
  const { error } = JSON.parse(text) as { error: Record<string, unknown> };
  expect(typeof error.message).toBe('string');
  expect(typeof error.type).toBe('string');
  expect(error.param === null || typeof error.param === 'string').toBe(true);
  expect(error.code === null || typeof error.code === 'string').toBe(true);
}

/** The property: a 2xx (unless `refused`) or a 4xx in the route's error shape; never a 5xx, never a hang. */
async function expectAnswered(request: FuzzRequest, style: ErrorStyle, refused = false): Promise<void> {
  const response = await fetch(`${runner.url}${request.path}`, {
    method: 'POST',
    headers: request.contentType ? { 'content-type': request.contentType } : {},
    body: payload(request.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(500);
  if (refused) expect(response.status, text).toBeGreaterThanOrEqual(400);
  if (response.status >= 400) expectErrorBody(style, response.headers.get('content-type'), text);
  else if (response.headers.get('content-type') === 'text/event-stream') expectNoServerFault(text);
}

describe('HTTP JSON bodies under fuzzing', () => {
  it('answers every OpenAI inference body with a result or an OpenAI error object', async () => {
    await fc.assert(
      fc.asyncProperty(openAIRequest, (request) => expectAnswered(request, 'openai')),
      fuzzParameters(80),
    );
  });

  it('answers every model-management body with a result or a plain-text error', async () => {
    await fc.assert(
      fc.asyncProperty(requestsFor(dmrBodies), (request) => expectAnswered(request, 'text')),
      fuzzParameters(40),
    );
  });

  it('refuses every archive that is random bytes with a plain-text error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), (bytes) => expectAnswered({ path: '/models/load', body: { bytes }, contentType: undefined }, 'text', true)),
      fuzzParameters(20),
    );
  });

  it('answers every engine configuration and unload body with a result or a plain-text error', async () => {
    await fc.assert(
      fc.asyncProperty(requestsFor(engineBodies), (request) => expectAnswered(request, 'text')),
      fuzzParameters(40),
    );
  });

  // Found by fuzzing: a finished grammar on a model without end-of-generation tokens killed the worker.
  it('refuses a JSON-schema chat on a model without an end-of-generation token instead of losing its worker', async () => {
    const json = { model: 'ai/tiny-embed', messages: [{ role: 'system' }], response_format: { type: 'json_schema', json_schema: { name: '', schema: { type: 'object' } } }, max_tokens: 2 };
    await expectAnswered({ path: '/engines/v1/chat/completions', body: { json }, contentType: 'application/json' }, 'openai', true);
    const workers = await workerPids(runner.process.pid!);
    await expectAnswered({ path: '/engines/v1/chat/completions', body: { json }, contentType: 'application/json' }, 'openai', true);
    expect(await workerPids(runner.process.pid!)).toEqual(workers);
  });
});

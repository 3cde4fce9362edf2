import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageToolModel, runnerWithTinyModels } from './helpers/packaged-runner.js';
import { startRunner, type RunningRunner } from './helpers/runner-process.js';

/** Bounded values only: a random-weight model under a grammar finishes them within a few tokens. */
const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { enum: ['Paris', 'Oslo', 'Lima'] }, unit: { enum: ['celsius', 'fahrenheit'] }, days: { type: 'boolean' } },
    required: ['city', 'unit'],
  },
};
const validWeather = new Ajv().compile(weatherTool.input_schema);

const ask = (content: string): Anthropic.MessageParam[] => [{ role: 'user', content }];

const textOf = (message: Anthropic.Message) =>
  message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('');

/** The SDK's error for a call, which must fail. */
async function failure(call: Promise<unknown>): Promise<APIError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(APIError);
  return error as APIError;
}

function forcedWeather(messages: Anthropic.MessageParam[]): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: 'ai/tiny-tools',
    max_tokens: 200,
    messages,
    tools: [weatherTool],
    // A random-weight model never closes a list of calls on its own; one call makes it finish.
    tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
  };
}

function expectValidWeatherCall(block: Anthropic.ContentBlock | undefined): Anthropic.ToolUseBlock {
  expect(block?.type).toBe('tool_use');
  const call = block as Anthropic.ToolUseBlock;
  expect(call.id).toMatch(/^toolu_/);
  expect(call.name).toBe('get_weather');
  expect(validWeather(call.input), JSON.stringify(validWeather.errors)).toBe(true);
  return call;
}

describe('Anthropic Messages through the official @anthropic-ai/sdk', () => {
  let runner: RunningRunner;
  let client: Anthropic;
  let engineClient: Anthropic;

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
    await packageToolModel(runner);
    client = new Anthropic({ baseURL: `${runner.url}/anthropic`, apiKey: 'x', maxRetries: 0 });
    engineClient = new Anthropic({ baseURL: `${runner.url}/engines/llama.cpp`, apiKey: 'x', maxRetries: 0 });
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('answers a message with text, a stop reason and usage', async () => {
    const message = await client.messages.create({ model: 'ai/tiny', max_tokens: 8, messages: ask('Hello') });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'ai/tiny', stop_sequence: null });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toHaveLength(1);
    expect(message.content[0]?.type).toBe('text');
    expect(['end_turn', 'max_tokens']).toContain(message.stop_reason);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeLessThanOrEqual(8);
    if (message.stop_reason === 'max_tokens') expect(message.usage.output_tokens).toBe(8);
  });

  it('streams Anthropic’s event sequence, which the SDK folds into the message a non-streamed call gives', async () => {
    const request = { model: 'ai/tiny', max_tokens: 12, temperature: 0, messages: ask('Tell me a story') };
    const whole = await engineClient.messages.create(request);
    const stream = client.messages.stream(request);
    const types: string[] = [];
    let streamedText = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') streamedText += event.delta.text;
    }
    const final = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types[1]).toBe('content_block_start');
    expect(types.at(-3)).toBe('content_block_stop');
    expect(types.slice(2, -3).every((type) => type === 'content_block_delta')).toBe(true);
    expect(final.content).toEqual([{ type: 'text', text: streamedText }]);
    expect(streamedText).toBe(textOf(whole));
    expect(final.stop_reason).toBe(whole.stop_reason);
    expect(final.usage).toMatchObject({ input_tokens: whole.usage.input_tokens, output_tokens: whole.usage.output_tokens });
    // The runner's record of the stream (`/engines/requests`) is the message it folds into, as DMR records it.
    const [models] = (await (await fetch(`${runner.url}/engines/requests?model=ai/tiny`)).json()) as [{ records: { response?: string }[] }];
    const recorded = JSON.parse(models.records.find((record) => record.response?.includes(final.id))!.response!) as Anthropic.Message;
    expect(recorded).toMatchObject({ id: final.id, content: [{ type: 'text', text: streamedText }], stop_reason: final.stop_reason, usage: final.usage });
  });

  it('takes a system prompt (string or blocks) and earlier turns into the prompt, as count_tokens counts it', async () => {
    const bare = await client.messages.create({ model: 'ai/tiny', max_tokens: 1, messages: ask('And now?') });
    const conversation = {
      model: 'ai/tiny',
      system: [{ type: 'text' as const, text: 'You are terse.' }],
      messages: [
        { role: 'user' as const, content: 'Hi there' },
        { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'Hello.' }] },
        { role: 'user' as const, content: [{ type: 'text' as const, text: 'And now?' }] },
      ],
    };
    const full = await client.messages.create({ ...conversation, max_tokens: 1 });
    expect(full.usage.input_tokens).toBeGreaterThan(bare.usage.input_tokens + 5);
    const stringSystem = await client.messages.create({ ...conversation, system: 'You are terse.', max_tokens: 1 });
    expect(stringSystem.usage.input_tokens).toBe(full.usage.input_tokens);
    expect(await client.messages.countTokens(conversation)).toEqual({ input_tokens: full.usage.input_tokens });
    expect(await engineClient.messages.countTokens(conversation)).toEqual({ input_tokens: full.usage.input_tokens });
  });

  it('stops at a stop sequence and names it, streamed and not', async () => {
    const request = { model: 'ai/tiny', max_tokens: 24, temperature: 0, messages: ask('Count with me') };
    const free = textOf(await client.messages.create(request));
    expect(free.length).toBeGreaterThan(3);
    const stop = free.slice(2, 4);
    const stopped = await client.messages.create({ ...request, stop_sequences: ['never-seen', stop] });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe(stop);
    expect(textOf(stopped)).toBe(free.slice(0, free.indexOf(stop)));
    const streamed = await client.messages.stream({ ...request, stop_sequences: [stop] }).finalMessage();
    expect(streamed).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: stop, content: stopped.content });
  });

  it('forces a named tool whose input matches its input_schema, streamed and not', async () => {
    const message = await client.messages.create(forcedWeather(ask('Weather in Oslo?')));
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toHaveLength(1);
    expectValidWeatherCall(message.content[0]);

    const stream = engineClient.messages.stream(forcedWeather(ask('Weather in Lima?')));
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'content_block_delta') deltas.push(event.delta.type);
    const final = await stream.finalMessage();
    expect(deltas).toEqual(['input_json_delta']);
    expect(final.stop_reason).toBe('tool_use');
    expectValidWeatherCall(final.content.at(-1));
  });

  it('carries a tool_use and its tool_result into the next turn', async () => {
    const first = await client.messages.create(forcedWeather(ask('Weather in Paris?')));
    const call = expectValidWeatherCall(first.content.at(-1));
    const conversation: Anthropic.MessageParam[] = [
      ...ask('Weather in Paris?'),
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"temperature": 19}' }] },
    ];
    const second = await client.messages.create({ model: 'ai/tiny-tools', max_tokens: 4, tools: [weatherTool], messages: conversation });
    expect(['end_turn', 'max_tokens', 'tool_use']).toContain(second.stop_reason);
    // The second prompt holds the first's call and the tool's result, so it is longer by at least them.
    expect(second.usage.input_tokens).toBeGreaterThan(first.usage.input_tokens + 10);
    expect(await client.messages.countTokens({ model: 'ai/tiny-tools', tools: [weatherTool], messages: conversation })).toEqual({
      input_tokens: second.usage.input_tokens,
    });
  });

  it('serves every path DMR serves Messages at', async () => {
    for (const prefix of ['/anthropic', '/engines/llama.cpp', '/engines', '']) {
      const viaPrefix = new Anthropic({ baseURL: `${runner.url}${prefix}`, apiKey: 'x', maxRetries: 0 });
      const message = await viaPrefix.messages.create({ model: 'ai/tiny', max_tokens: 1, messages: ask('Hi') });
      expect(message.type, prefix).toBe('message');
      expect((await viaPrefix.messages.countTokens({ model: 'ai/tiny', messages: ask('Hi') })).input_tokens, prefix).toBe(message.usage.input_tokens);
    }
    const unknownBackend = new Anthropic({ baseURL: `${runner.url}/engines/vllm`, apiKey: 'x', maxRetries: 0 });
    const refused = await failure(unknownBackend.messages.create({ model: 'ai/tiny', max_tokens: 1, messages: ask('Hi') }));
    expect(refused).toMatchObject({ status: 404, type: 'not_found_error', apiMessage: 'backend not found' });
  });

  it('refuses bad input in Anthropic’s error shape and status, and keeps serving', async () => {
    const missingMaxTokens = await failure(client.messages.create({ model: 'ai/tiny', messages: ask('Hi') } as unknown as Anthropic.MessageCreateParamsNonStreaming));
    expect(missingMaxTokens).toBeInstanceOf(Anthropic.BadRequestError);
    expect(missingMaxTokens).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(missingMaxTokens.apiMessage).toBe('invalid request: max_tokens: Field required');
    expect(missingMaxTokens.error).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: missingMaxTokens.apiMessage } });

    const malformed = await failure(client.post('/v1/messages', { body: Buffer.from('{"model": "ai/tiny",'), headers: { 'content-type': 'application/json' } }));
    expect(malformed).toBeInstanceOf(Anthropic.BadRequestError);
    expect(malformed).toMatchObject({ type: 'invalid_request_error', apiMessage: 'invalid request: malformed JSON' });

    const unknownModel = await failure(client.messages.create({ model: 'ai/nope', max_tokens: 1, messages: ask('Hi') }));
    expect(unknownModel).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknownModel).toMatchObject({ status: 404, type: 'not_found_error', apiMessage: 'Model not found: ai/nope' });
    const unknownStreamed = await failure(client.messages.stream({ model: 'ai/nope', max_tokens: 1, messages: ask('Hi') }).finalMessage());
    expect(unknownStreamed).toMatchObject({ status: 404, type: 'not_found_error' });
    const unknownCounted = await failure(client.messages.countTokens({ model: 'ai/nope', messages: ask('Hi') }));
    expect(unknownCounted).toMatchObject({ status: 404, type: 'not_found_error' });

    const huge = await failure(client.messages.create({ model: 'ai/tiny', max_tokens: 1, messages: ask('a'.repeat(11 * 1024 * 1024)) }));
    expect(huge).toMatchObject({ status: 413, type: 'request_too_large' });

    const strangeTool = await failure(client.messages.create({ model: 'ai/tiny-tools', max_tokens: 1, messages: ask('Hi'), tools: [weatherTool], tool_choice: { type: 'tool', name: 'get_time' } }));
    expect(strangeTool).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(strangeTool.apiMessage).toMatch(/get_time/);

    const orphanResult = await failure(
      client.messages.create({ model: 'ai/tiny', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'x' }] }] }),
    );
    expect(orphanResult).toMatchObject({ status: 400, type: 'invalid_request_error' });

    const image = await failure(
      client.messages.create({ model: 'ai/tiny', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'http://x/y.png' } }] }] }),
    );
    expect(image).toMatchObject({ status: 400, type: 'invalid_request_error' });

    const after = await client.messages.create({ model: 'ai/tiny', max_tokens: 2, messages: ask('Still there?') });
    expect(after.type).toBe('message');
  });
});

describe('Anthropic Messages behind an API key', () => {
  const KEY = 'mr-test-anthropic-key';
  let runner: RunningRunner;

  beforeAll(async () => {
    runner = await startRunner({ env: { MODEL_RUNNER_API_KEY: KEY } });
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('refuses a wrong x-api-key as authentication_error, and lets the right one through', async () => {
    const request = { model: 'ai/tiny', max_tokens: 1, messages: ask('Hi') };
    for (const baseURL of [`${runner.url}/anthropic`, `${runner.url}/engines`, runner.url]) {
      const wrong = new Anthropic({ baseURL, apiKey: 'not-the-key', maxRetries: 0 });
      const refused = await failure(wrong.messages.create(request));
      expect(refused, baseURL).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(refused).toMatchObject({ status: 401, type: 'authentication_error' });
    }
    // The key is accepted: the request goes on to find no such model in this empty store.
    const right = new Anthropic({ baseURL: `${runner.url}/anthropic`, apiKey: KEY, maxRetries: 0 });
    expect(await failure(right.messages.create(request))).toMatchObject({ status: 404, type: 'not_found_error' });
  });
});

import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageTiny, packageToolModel, postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';

/** Bounded values only: a random-weight model under a grammar finishes them within a few tokens. */
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: {
        city: { enum: ['Paris', 'Oslo', 'Lima'] },
        unit: { enum: ['celsius', 'fahrenheit'] },
        days: { type: 'boolean' },
      },
      required: ['city', 'unit'],
    },
  },
};

const timeTool = {
  type: 'function' as const,
  function: { name: 'get_time', description: 'The time in a zone', parameters: { type: 'object', properties: { zone: { enum: ['UTC', 'CET'] } }, required: ['zone'] } },
};

const tools = [weatherTool, timeTool];
const ajv = new Ajv();
const schemaOf = (name: string) => tools.find((tool) => tool.function.name === name)!.function.parameters;

function expectValidCall(call: { id?: string; function?: { name?: string; arguments?: string } } | undefined, names: string[]): void {
  expect(call?.id).toMatch(/^call_/);
  expect(names).toContain(call?.function?.name);
  const args = JSON.parse(call?.function?.arguments ?? '') as unknown;
  const validate = ajv.compile(schemaOf(call!.function!.name!));
  expect(validate(args), JSON.stringify(validate.errors)).toBe(true);
}

describe('tool calling and log probabilities through the official openai client', () => {
  let runner: RunningRunner;
  let client: OpenAI;

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
    // ai/tiny-tools has a Hermes template with tools; ai/tiny-chatml's template has none, so tools go in as the generic system prompt.
    await packageToolModel(runner);
    await packageTiny(runner, 'ai/tiny-chatml', 2048);
    client = new OpenAI({ baseURL: `${runner.url}/engines/v1`, apiKey: 'unused' });
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  const choices = [
    ['a named function', { type: 'function', function: { name: 'get_weather' } }, ['get_weather']],
    ['required', 'required', ['get_weather', 'get_time']],
  ] as const;
  for (const model of ['ai/tiny-tools', 'ai/tiny-chatml']) {
    for (const [what, toolChoice, names] of choices) {
      const request = {
        model,
        messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }],
        tools,
        tool_choice: toolChoice as OpenAI.Chat.ChatCompletionToolChoiceOption,
        // A random-weight model never closes a list of calls on its own; one call makes it finish.
        parallel_tool_calls: false,
        max_tokens: 200,
        seed: 3,
      };

      it(`forces ${what} whose arguments match its schema (${model})`, async () => {
        const completion = await client.chat.completions.create(request);
        const choice = completion.choices[0]!;
        expect(choice.finish_reason).toBe('tool_calls');
        expect(choice.message.content).toBeNull();
        expect(choice.message.tool_calls).toHaveLength(1);
        expectValidCall(choice.message.tool_calls![0] as never, [...names]);
      });

      it(`streams ${what}: id and name first, then the arguments (${model})`, async () => {
        const stream = await client.chat.completions.create({ ...request, seed: 5, stream: true });
        const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
        let finish: string | null = null;
        for await (const chunk of stream) {
          deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
          finish = chunk.choices[0]?.finish_reason ?? finish;
        }
        expect(finish).toBe('tool_calls');
        expect(deltas[0]?.id).toMatch(/^call_/);
        expect(deltas[0]?.function).toEqual({ name: expect.any(String), arguments: '' });
        const args = deltas.filter((delta) => delta.index === 0).map((delta) => delta.function?.arguments ?? '').join('');
        expectValidCall({ id: deltas[0]!.id!, function: { name: deltas[0]!.function!.name!, arguments: args } }, [...names]);
      });
    }
  }

  it('gives text for tool_choice none', async () => {
    const completion = await client.chat.completions.create({
      model: 'ai/tiny-tools',
      messages: [{ role: 'user', content: 'Hi' }],
      tools,
      tool_choice: 'none',
      max_tokens: 8,
      ignore_eos: true,
    } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(typeof completion.choices[0]?.message.content).toBe('string');
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('carries a call and its result into the next turn', async () => {
    const first = await client.chat.completions.create({
      model: 'ai/tiny-tools',
      messages: [{ role: 'user', content: 'Weather in Lima?' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 200,
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    const history = [{ role: 'user' as const, content: 'Weather in Lima?' }, first.choices[0]!.message];
    const followUp = (messages: OpenAI.Chat.ChatCompletionMessageParam[]) =>
      client.chat.completions.create({ model: 'ai/tiny-tools', messages, tools, max_tokens: 8, ignore_eos: true } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
    const withResult = await followUp([...history, { role: 'tool', tool_call_id: call.id, content: '{"temperature": 19}' }]);
    const withoutResult = await followUp(history);
    expect(withResult.choices[0]?.finish_reason).toBe('length');
    // The template renders the call in both; the tool's result only in the first.
    expect(withResult.usage!.prompt_tokens).toBeGreaterThan(withoutResult.usage!.prompt_tokens + 10);
    expect(withoutResult.usage!.prompt_tokens).toBeGreaterThan(first.usage!.prompt_tokens + 10);
  });

  it('reports log probabilities that fit their top alternatives, streamed and not', async () => {
    const request = { model: 'ai/tiny', messages: [{ role: 'user' as const, content: 'Count' }], max_tokens: 6, ignore_eos: true, seed: 11, logprobs: true, top_logprobs: 3 };
    const completion = await client.chat.completions.create(request as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
    const content = completion.choices[0]!.logprobs!.content!;
    expect(content).toHaveLength(6);
    for (const token of content) {
      expect(token.logprob).toBeLessThanOrEqual(0);
      expect(token.top_logprobs).toHaveLength(3);
      const probabilities = token.top_logprobs.map((top) => Math.exp(top.logprob));
      expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeLessThanOrEqual(1 + 1e-4);
      expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);
      expect(token.logprob).toBeLessThanOrEqual(token.top_logprobs[0]!.logprob + 1e-6);
    }
    expect(content.map((token) => token.token).join('')).toBe(completion.choices[0]!.message.content);
    expect(Buffer.from(content.flatMap((token) => token.bytes!)).toString('utf8')).toBe(completion.choices[0]!.message.content);
    const stream = await client.chat.completions.create({ ...request, stream: true } as OpenAI.Chat.ChatCompletionCreateParamsStreaming);
    const streamed: OpenAI.Chat.ChatCompletionTokenLogprob[] = [];
    for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
    expect(streamed).toEqual(content);
  });

  it('gives each token its own bytes, also a token that holds part of a character', async () => {
    const completion = await client.chat.completions.create({
      model: 'ai/tiny',
      messages: [{ role: 'user', content: 'Wave' }],
      // The grammar makes the answer "é👋": byte-level tokens that split both characters.
      response_format: { type: 'json_schema', json_schema: { name: 'wave', schema: { enum: ['é👋'] } } },
      logprobs: true,
      max_tokens: 20,
    });
    const content = completion.choices[0]!.logprobs!.content!;
    const text = completion.choices[0]!.message.content!;
    expect(text.trimEnd()).toBe('"é👋"');
    expect(Buffer.from(content.flatMap((token) => token.bytes!)).toString('utf8')).toBe(text);
    expect(content.some((token) => token.bytes!.length === 1 && token.bytes![0]! >= 0x80)).toBe(true);
  });

  it('reports logprobs on completions in the legacy shape, streamed with running text offsets', async () => {
    const completion = await client.completions.create({ model: 'ai/tiny', prompt: 'Once', max_tokens: 5, logprobs: 2, ignore_eos: true, seed: 2 } as OpenAI.CompletionCreateParamsNonStreaming);
    const logprobs = completion.choices[0]!.logprobs!;
    expect(logprobs.tokens).toHaveLength(5);
    expect(logprobs.token_logprobs).toHaveLength(5);
    expect(logprobs.top_logprobs!.every((top) => Object.keys(top).length <= 2)).toBe(true);
    expect(logprobs.tokens!.join('')).toBe(completion.choices[0]!.text);
    expect(logprobs.text_offset![0]).toBe(0);
    const stream = await client.completions.create({ model: 'ai/tiny', prompt: 'Once', max_tokens: 5, logprobs: 2, ignore_eos: true, seed: 2, stream: true } as OpenAI.CompletionCreateParamsStreaming);
    const offsets: number[] = [];
    for await (const chunk of stream) offsets.push(...(chunk.choices[0]?.logprobs?.text_offset ?? []));
    expect(offsets).toEqual(logprobs.text_offset);
  });

  it('answers a streamed request that fails before its first token with a status, not a 200 stream', async () => {
    const response = await postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny', messages: [{ role: 'user', content: 'word '.repeat(2000) }], stream: true });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('context_length_exceeded');
  });

  describe('bad input gets a 400 naming the parameter, and the worker keeps serving', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['a tool with an invalid schema', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'objekt' } } }] }, 'tools[0].function.parameters'],
      ['a tool_choice naming an unknown function', { tools, tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice'],
      ['a tool message without a matching call', { messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_x', content: '1' }] }, 'messages[1].tool_call_id'],
      ['top_logprobs out of range', { logprobs: true, top_logprobs: 21 }, 'top_logprobs'],
    ];
    for (const [what, body, param] of cases) {
      it(what, async () => {
        const response = await postJson(runner, '/engines/v1/chat/completions', { model: 'ai/tiny-tools', messages: [{ role: 'user', content: 'x' }], max_tokens: 2, ...body });
        expect(response.status).toBe(400);
        const error = ((await response.json()) as { error: { param: string; type: string; message: string } }).error;
        expect(error.type).toBe('invalid_request_error');
        expect(error.param).toBe(param);
      });
    }

    it('still answers after them', async () => {
      const completion = await client.chat.completions.create({ model: 'ai/tiny-tools', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
      expect(completion.choices[0]?.message.role).toBe('assistant');
    });
  });

  it('preloads with the body DMR sends for run --detach', async () => {
    for (const [path, model] of [['/engines/v1/chat/completions', 'ai/tiny'], ['/engines/v1/completions', 'ai/tiny'], ['/engines/v1/embeddings', 'ai/tiny-embed']] as const) {
      const response = await postJson(runner, path, { model, messages: [] }, { headers: { 'x-preload-only': 'true' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
    }
  });
});

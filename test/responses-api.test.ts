import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageToolModel, postJson, runnerWithTinyModels } from './helpers/packaged-runner.js';
import type { RunningRunner } from './helpers/runner-process.js';

/** Bounded values only: a random-weight model under a grammar finishes them within a few tokens. */
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { enum: ['Paris', 'Oslo', 'Lima'] }, unit: { enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
    additionalProperties: false,
  },
  strict: true,
};

/** Greedy decoding: the random-weight tiny model then never stops on its own, so a token limit always cuts it. */
const greedy = { model: 'ai/tiny', temperature: 0 } as const;

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

describe('OpenAI Responses API through the official openai client', () => {
  let runner: RunningRunner;
  let client: OpenAI;

  beforeAll(async () => {
    runner = await runnerWithTinyModels();
    await packageToolModel(runner);
    client = new OpenAI({ baseURL: `${runner.url}/engines/llama.cpp/v1`, apiKey: 'unused' });
  });

  afterAll(async () => {
    await runner[Symbol.asyncDispose]();
  });

  it('creates a response: an assistant message, the settings echoed, usage, incomplete when max_output_tokens cut it', async () => {
    const response = await client.responses.create({ ...greedy, input: 'Hello', instructions: 'Answer briefly.', max_output_tokens: 6, metadata: { run: '1' } });
    expect(response).toMatchObject({
      object: 'response',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      error: null,
      model: 'ai/tiny',
      instructions: 'Answer briefly.',
      max_output_tokens: 6,
      temperature: 0,
      store: true,
      previous_response_id: null,
      metadata: { run: '1' },
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output).toHaveLength(1);
    const message = response.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect(message).toMatchObject({ type: 'message', role: 'assistant', status: 'incomplete' });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'output_text', text: expect.any(String), annotations: [] }]);
    // The SDK computes output_text from the output items.
    expect(response.output_text).toBe((message.content[0] as OpenAI.Responses.ResponseOutputText).text);
    const usage = response.usage!;
    expect(usage.output_tokens).toBe(6);
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
  });

  it('streams the Responses events in order, numbered, ending with the response it stored', async () => {
    const stream = await client.responses.create({ ...greedy, input: 'Hello', max_output_tokens: 5, stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.incomplete']);
    expect(new Set(types.slice(4, -4))).toEqual(new Set(['response.output_text.delta']));
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));

    const deltas = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
    const done = events.find((event) => event.type === 'response.output_text.done')!;
    expect(done.text).toBe(deltas.join(''));
    const last = events.at(-1) as OpenAI.Responses.ResponseIncompleteEvent;
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { output_tokens: 5 } });
    expect(last.response.output).toEqual([expect.objectContaining({ type: 'message', content: [{ type: 'output_text', text: deltas.join(''), annotations: [] }] })]);
    const created = events[0] as OpenAI.Responses.ResponseCreatedEvent;
    expect(created.response).toMatchObject({ id: last.response.id, status: 'in_progress', output: [] });

    const stored = await client.responses.retrieve(last.response.id);
    expect(stored.output).toEqual(last.response.output);
    expect(stored.usage).toEqual(last.response.usage);
  });

  it('records a streamed response in /engines/requests as the response it ended with, and a failed one as an error', async () => {
    type Recorded = { request: string; response?: string; error?: string; status_code: number };
    const records = async () => ((await (await fetch(`${runner.url}/engines/requests?model=ai/tiny`)).json()) as [{ records: Recorded[] }])[0].records;

    const stream = await client.responses.create({ ...greedy, input: 'Hello', max_output_tokens: 3, stream: true });
    let last: OpenAI.Responses.ResponseStreamEvent | undefined;
    for await (const event of stream) last = event;
    const ended = (last as OpenAI.Responses.ResponseIncompleteEvent).response;
    const recorded = (await records()).find((record) => record.response?.includes(ended.id));
    expect(JSON.parse(recorded!.response!)).toEqual(ended);
    expect(recorded!.error).toBeUndefined();

    // A prompt the context cannot hold fails before the first event: a status, not a stream, and the record's error.
    const failing = await postJson(runner, '/v1/responses', { ...greedy, input: 'overflow '.repeat(2000), stream: true });
    expect(failing.status).toBe(400);
    const body = (await failing.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('context_length_exceeded');
    const failedRecord = (await records()).find((record) => record.request.includes('overflow'));
    expect(failedRecord!.response).toBeUndefined();
    expect(JSON.parse(failedRecord!.error!)).toEqual(body);
  });

  it("builds the same final response with the SDK's stream helper", async () => {
    const stream = client.responses.stream({ ...greedy, input: 'Hi', max_output_tokens: 4 });
    const final = await stream.finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.output_text.length).toBeGreaterThan(0);
    // The helper adds its own `parsed` to each text part; the rest is what the runner stored.
    expect(final.output).toMatchObject((await client.responses.retrieve(final.id)).output);
  });

  it('chains with previous_response_id: the earlier input and output reach the model', async () => {
    const first = await client.responses.create({ ...greedy, input: 'Tell me about the harbour of Oslo and its old fortress', max_output_tokens: 8 });
    const alone = await client.responses.create({ ...greedy, input: 'And then?', max_output_tokens: 2, store: false });
    const second = await client.responses.create({ ...greedy, input: 'And then?', previous_response_id: first.id, max_output_tokens: 2 });
    expect(second.previous_response_id).toBe(first.id);
    // The chained prompt holds the first question and the first answer on top of the new input.
    const added = second.usage!.input_tokens - alone.usage!.input_tokens;
    expect(added).toBeGreaterThanOrEqual(first.usage!.output_tokens + 10);
    const third = await client.responses.create({ ...greedy, input: 'And then?', previous_response_id: second.id, max_output_tokens: 2 });
    expect(third.usage!.input_tokens).toBeGreaterThan(second.usage!.input_tokens + second.usage!.output_tokens);
  });

  it('does not carry instructions over to the next response, as OpenAI does', async () => {
    const instructions = 'You are a terse assistant who answers in one short sentence about harbours and fortresses.';
    const instructed = await client.responses.create({ ...greedy, input: 'Hi', instructions, max_output_tokens: 2 });
    const plain = await client.responses.create({ ...greedy, input: 'Hi', max_output_tokens: 2 });
    const instructionsCost = instructed.usage!.input_tokens - plain.usage!.input_tokens;
    expect(instructionsCost).toBeGreaterThan(10);
    const afterInstructed = await client.responses.create({ ...greedy, input: 'Hi', previous_response_id: instructed.id, max_output_tokens: 1 });
    const afterPlain = await client.responses.create({ ...greedy, input: 'Hi', previous_response_id: plain.id, max_output_tokens: 1 });
    // Both histories are a question and a two-token answer; the instructions are in neither.
    expect(Math.abs(afterInstructed.usage!.input_tokens - afterPlain.usage!.input_tokens)).toBeLessThan(instructionsCost);
    expect(afterInstructed.instructions).toBeNull();
  });

  it('follows text.format json_schema: the message is JSON that validates, and the response completes', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' }, colour: { enum: ['red', 'green', 'blue'] } }, required: ['ok', 'colour'], additionalProperties: false };
    const response = await client.responses.create({
      model: 'ai/tiny',
      input: 'Answer in JSON',
      max_output_tokens: 200,
      text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } },
    });
    expect(response.status).toBe('completed');
    expect(response.text?.format).toMatchObject({ type: 'json_schema', name: 'answer' });
    const validate = new Ajv().compile(schema);
    expect(validate(JSON.parse(response.output_text)), JSON.stringify(validate.errors)).toBe(true);
  });

  describe('function tools on the Hermes-template model', () => {
    const ajv = new Ajv();
    const validate = ajv.compile(weatherTool.parameters);
    const forced = { model: 'ai/tiny-tools', tools: [weatherTool], tool_choice: { type: 'function' as const, name: 'get_weather' }, parallel_tool_calls: false, max_output_tokens: 200 };

    function expectValidCall(item: OpenAI.Responses.ResponseOutputItem | undefined): OpenAI.Responses.ResponseFunctionToolCall {
      expect(item?.type).toBe('function_call');
      const call = item as OpenAI.Responses.ResponseFunctionToolCall;
      expect(call.id).toMatch(/^fc_/);
      expect(call.call_id).toMatch(/^call_/);
      expect(call.name).toBe('get_weather');
      expect(call.status).toBe('completed');
      expect(validate(JSON.parse(call.arguments)), JSON.stringify(validate.errors)).toBe(true);
      return call;
    }

    it('forces a named function whose arguments match its schema', async () => {
      const response = await client.responses.create({ ...forced, input: 'Weather in Oslo?' });
      expect(response.status).toBe('completed');
      expect(response.tools).toEqual([{ type: 'function', name: 'get_weather', description: 'The weather in a city', parameters: weatherTool.parameters, strict: true }]);
      expect(response.tool_choice).toEqual({ type: 'function', name: 'get_weather' });
      expect(response.output.filter((item) => item.type === 'function_call')).toHaveLength(1);
      expectValidCall(response.output.find((item) => item.type === 'function_call'));
    });

    it('streams a call: item added, its arguments, done, then completed', async () => {
      const stream = await client.responses.create({ ...forced, input: 'Weather in Lima?', stream: true });
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const callEvents = events.filter((event) => event.type.startsWith('response.function_call_arguments') || ('item' in event && event.item.type === 'function_call'));
      expect(callEvents.map((event) => event.type)).toEqual([
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
      ]);
      const [added, delta, argumentsDone, itemDone] = callEvents as [
        OpenAI.Responses.ResponseOutputItemAddedEvent,
        OpenAI.Responses.ResponseFunctionCallArgumentsDeltaEvent,
        OpenAI.Responses.ResponseFunctionCallArgumentsDoneEvent,
        OpenAI.Responses.ResponseOutputItemDoneEvent,
      ];
      const call = expectValidCall(itemDone.item);
      expect(added.item).toMatchObject({ id: call.id, status: 'in_progress', arguments: '' });
      expect(delta).toMatchObject({ item_id: call.id, delta: call.arguments, output_index: itemDone.output_index });
      expect(argumentsDone).toMatchObject({ item_id: call.id, name: 'get_weather', arguments: call.arguments });
      const last = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
      expect(last.type).toBe('response.completed');
      expect(last.response.output[itemDone.output_index]).toEqual(call);
    });

    it('has stored a streamed response for a client that stops reading at response.completed, and chains from it', async () => {
      const stream = await client.responses.create({ ...forced, input: 'Weather in Oslo?', stream: true });
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        if (event.type !== 'response.completed') continue;
        completed = event.response;
        break;
      }
      expect(completed?.status).toBe('completed');
      const stored = await client.responses.retrieve(completed!.id);
      expect(stored.output).toEqual(completed!.output);
      const call = expectValidCall(stored.output.find((item) => item.type === 'function_call'));
      const result = { type: 'function_call_output' as const, call_id: call.call_id, output: '{"temperature": 4}' };
      const chained = await client.responses.create({ model: 'ai/tiny-tools', tools: [weatherTool], previous_response_id: completed!.id, input: [result], temperature: 0, max_output_tokens: 2 });
      expect(chained.previous_response_id).toBe(completed!.id);
      expect(chained.status).not.toBe('failed');
    });

    it('answers a function_call_output turn, chained and stated in full', async () => {
      const first = await client.responses.create({ ...forced, input: 'Weather in Paris?' });
      const call = expectValidCall(first.output.find((item) => item.type === 'function_call'));
      const result = { type: 'function_call_output' as const, call_id: call.call_id, output: '{"temperature": 19, "sky": "clear"}' };

      const chained = await client.responses.create({ model: 'ai/tiny-tools', tools: [weatherTool], previous_response_id: first.id, input: [result], temperature: 0, max_output_tokens: 3 });
      expect(chained.status).not.toBe('failed');
      // The chained prompt holds the question, the call and its result.
      expect(chained.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens + first.usage!.output_tokens);

      const stated = await client.responses.create({
        model: 'ai/tiny-tools',
        tools: [weatherTool],
        input: [{ role: 'user', content: 'Weather in Paris?' }, call, result],
        temperature: 0,
        max_output_tokens: 3,
        store: false,
      });
      expect(stated.usage!.input_tokens).toBe(chained.usage!.input_tokens);
      await expect(client.responses.retrieve(stated.id)).rejects.toMatchObject({ status: 404 });
    });
  });

  it('retrieves, lists input items (paged, both orders) and deletes a response, then answers 404', async () => {
    const input: OpenAI.Responses.ResponseInputItem[] = [
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'input_text', text: 'First' }] },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'Second' },
    ];
    const created = await client.responses.create({ ...greedy, input, max_output_tokens: 2 });
    expect(await client.responses.retrieve(created.id)).toEqual(created);

    const ascending: OpenAI.Responses.ResponseItem[] = [];
    for await (const item of client.responses.inputItems.list(created.id, { limit: 1, order: 'asc' })) ascending.push(item);
    expect(ascending.map((item) => item.type === 'message' && [item.role, item.content.map((part) => ('text' in part ? part.text : '')).join('')])).toEqual([
      ['developer', 'Be brief.'],
      ['user', 'First'],
      ['assistant', 'Noted.'],
      ['user', 'Second'],
    ]);
    expect(new Set(ascending.map((item) => item.id)).size).toBe(4);
    const page = await client.responses.inputItems.list(created.id, { limit: 3 });
    expect(page.data.map((item) => item.id)).toEqual(ascending.slice(1).reverse().map((item) => item.id));
    expect(page.has_more).toBe(true);
    const raw = (await (await fetch(`${runner.url}/v1/responses/${created.id}/input_items?limit=3`)).json()) as Record<string, unknown>;
    expect(raw).toMatchObject({ object: 'list', first_id: ascending[3]!.id, last_id: ascending[1]!.id, has_more: true });

    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.delete(created.id)).rejects.toMatchObject({ status: 404 });
    const listed = await fetch(`${runner.url}/v1/responses/${created.id}/input_items`);
    expect(listed.status).toBe(404);
    expect(((await listed.json()) as ErrorBody).error).toMatchObject({ type: 'not_found_error', param: 'response_id', code: null });
  });

  it('answers under every prefix from one store', async () => {
    const prefixes = ['/engines/llama.cpp/v1', '/engines/v1', '/v1'];
    const clients = prefixes.map((prefix) => new OpenAI({ baseURL: `${runner.url}${prefix}`, apiKey: 'unused' }));
    for (const [index, creator] of clients.entries()) {
      const created = await creator.responses.create({ ...greedy, input: 'Hi', max_output_tokens: 1 });
      const reader = clients[(index + 1) % clients.length]!;
      expect((await reader.responses.retrieve(created.id)).id).toBe(created.id);
      expect((await reader.responses.inputItems.list(created.id)).data).toHaveLength(1);
    }
    const unknownBackend = await postJson(runner, '/engines/vllm-nope/v1/responses', { ...greedy, input: 'Hi' });
    expect(unknownBackend.status).toBe(404);
  });

  it('keeps nothing with store: false, and refuses to chain from it', async () => {
    const unstored = await client.responses.create({ ...greedy, input: 'Hi', max_output_tokens: 1, store: false });
    expect(unstored).toMatchObject({ store: false });
    await expect(client.responses.retrieve(unstored.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.create({ ...greedy, input: 'Hi', previous_response_id: unstored.id })).rejects.toMatchObject({ status: 400, param: 'previous_response_id' });
  });

  describe("bad input gets OpenAI's error shape with the parameter named, and the runner keeps serving", () => {
    const cases: [string, Record<string, unknown>, number, string, string | null][] = [
      ['no model', { model: '' }, 400, 'model', null],
      ['an unknown model', { model: 'ai/absent' }, 404, 'model', 'model_not_found'],
      ['input that is neither text nor items', { input: 3 }, 400, 'input', null],
      ['an input item of an unknown type', { input: [{ type: 'item_reference', id: 'x' }] }, 400, 'input.0.type', null],
      ['an image part the text model cannot read', { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'http://x/y.png' }] }] }, 400, 'input[0].content[0].type', null],
      ['a function output answering no call', { input: [{ type: 'function_call_output', call_id: 'call_x', output: '1' }] }, 400, 'input[0].call_id', null],
      ['a hosted tool', { tools: [{ type: 'web_search' }] }, 400, 'tools.0.type', null],
      ['a tool with an invalid schema', { tools: [{ type: 'function', name: 'f', parameters: { type: 'objekt' } }] }, 400, 'tools[0].parameters', null],
      ['a tool_choice naming an unknown function', { tools: [weatherTool], tool_choice: { type: 'function', name: 'nope' } }, 400, 'tool_choice', null],
      ['an unknown previous_response_id', { previous_response_id: 'resp_nope' }, 400, 'previous_response_id', null],
      ['temperature out of range', { temperature: 3 }, 400, 'temperature', null],
      ['max_output_tokens of zero', { max_output_tokens: 0 }, 400, 'max_output_tokens', null],
      ['a background response', { background: true }, 400, 'background', null],
      ['a json_schema format without a name', { text: { format: { type: 'json_schema', schema: { type: 'object' } } } }, 400, 'text.format.name', null],
    ];
    for (const [what, body, status, param, code] of cases) {
      it(what, async () => {
        const response = await postJson(runner, '/engines/v1/responses', { ...greedy, input: 'x', max_output_tokens: 1, ...body });
        expect(response.status).toBe(status);
        const { error } = (await response.json()) as ErrorBody;
        expect(error).toMatchObject({ type: status === 404 ? 'not_found_error' : 'invalid_request_error', param, code });
        expect(error.message.length).toBeGreaterThan(0);
      });
    }

    it('malformed JSON', async () => {
      const response = await fetch(`${runner.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.type).toBe('invalid_request_error');
    });

    it('an input_items limit out of range', async () => {
      const created = await client.responses.create({ ...greedy, input: 'x', max_output_tokens: 1 });
      await expect(client.responses.inputItems.list(created.id, { limit: 0 } as never)).rejects.toMatchObject({ status: 400, param: 'limit' });
    });

    it('through the SDK, as an APIError with the parameter', async () => {
      await expect(client.responses.create({ ...greedy, input: 'x', top_p: 2 })).rejects.toMatchObject({ status: 400, type: 'invalid_request_error', param: 'top_p' });
    });

    it('still answers after them', async () => {
      const response = await client.responses.create({ ...greedy, input: 'x', max_output_tokens: 2 });
      expect(response.usage?.output_tokens).toBe(2);
    });
  });
});

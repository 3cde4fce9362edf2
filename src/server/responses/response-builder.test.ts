import { describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../../engine/engine.js';
import { RunnerError } from '../../shared/errors.js';
import { startedResponse } from './response-body.js';
import { ResponseBuilder, type ResponseEvent } from './response-builder.js';

function build(events: GenerationEvent[]): { steps: ResponseEvent[]; builder: ResponseBuilder } {
  const builder = new ResponseBuilder(startedResponse('resp_1', { model: 'ai/tiny', max_output_tokens: 5 }));
  return { steps: events.flatMap((event) => builder.accept(event)), builder };
}

const finish = (reason: 'stop' | 'length' | 'tool_calls'): GenerationEvent => ({ finish: { reason, promptTokens: 7, completionTokens: 3 } });

describe('ResponseBuilder', () => {
  it('sends a message as added, part added, deltas, text done, part done, item done, then completed', () => {
    const { steps, builder } = build([{ delta: 'Hel' }, { delta: 'lo' }, finish('stop')]);
    expect(steps.map((step) => step.type)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const response = builder.response();
    expect(response).toMatchObject({ status: 'completed', incomplete_details: null, usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 } });
    expect(response.output).toEqual([{ type: 'message', id: expect.stringMatching(/^msg_/), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] }]);
    expect(steps.at(-1)).toMatchObject({ response: { output: response.output } });
  });

  it('closes the message before a call, and gives the call its own output index', () => {
    const { steps, builder } = build([{ delta: 'Sure' }, { toolCall: { id: 'call_1', name: 'f', arguments: '{"a":1}' } }, finish('tool_calls')]);
    expect(steps.map((step) => `${step.type}@${String(step['output_index'] ?? '')}`)).toEqual([
      'response.output_item.added@0',
      'response.content_part.added@0',
      'response.output_text.delta@0',
      'response.output_text.done@0',
      'response.content_part.done@0',
      'response.output_item.done@0',
      'response.output_item.added@1',
      'response.function_call_arguments.delta@1',
      'response.function_call_arguments.done@1',
      'response.output_item.done@1',
      'response.completed@',
    ]);
    expect(builder.response().output[1]).toEqual({ type: 'function_call', id: expect.stringMatching(/^fc_/), call_id: 'call_1', name: 'f', arguments: '{"a":1}', status: 'completed' });
  });

  it('is incomplete when the token limit cut it', () => {
    const { steps, builder } = build([{ delta: 'a' }, finish('length')]);
    expect(steps.at(-1)?.type).toBe('response.incomplete');
    expect(builder.response()).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ status: 'incomplete' }] });
  });

  it('fails with an error event and the response as far as it got, both with the error’s OpenAI code', () => {
    const { builder } = build([{ delta: 'a' }]);
    const steps = builder.fail(new RunnerError('unavailable', 'the worker stopped'));
    expect(steps.slice(0, 3).map((step) => step.type)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done']);
    expect(steps.slice(3)).toEqual([
      { type: 'error', code: 'service_unavailable_error', message: 'the worker stopped', param: null },
      { type: 'response.failed', response: expect.objectContaining({ status: 'failed', error: { code: 'service_unavailable_error', message: 'the worker stopped' }, output: [expect.objectContaining({ status: 'incomplete', content: [expect.objectContaining({ text: 'a' })] })] }) },
    ]);
  });

  it('fails with the error’s own OpenAI code, not always server_error', () => {
    const { builder } = build([]);
    const steps = builder.fail(new RunnerError('context_length_exceeded', 'the prompt is too long'));
    expect(steps).toEqual([
      { type: 'error', code: 'context_length_exceeded', message: 'the prompt is too long', param: null },
      { type: 'response.failed', response: expect.objectContaining({ error: { code: 'context_length_exceeded', message: 'the prompt is too long' } }) },
    ]);
  });
});

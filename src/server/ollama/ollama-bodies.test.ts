import { describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../../engine/engine.js';
import { GenerationTimer } from './generation-timer.js';
import { chatObject, collectedObject, generateObject, streamedObjects } from './ollama-bodies.js';

async function* fakeEngine(events: GenerationEvent[]): AsyncGenerator<GenerationEvent> {
  yield* events;
}

/** A clock that moves 1 ms each time it is read, from 100 ms. */
function steppingClock(): () => number {
  let now = 100;
  return () => ++now;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const calls: GenerationEvent[] = [
  { toolCall: { id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo","unit":"celsius"}' } },
  { toolCall: { id: 'call_b', name: 'get_time', arguments: '{"zone":"CET"}' } },
  { finish: { reason: 'tool_calls', promptTokens: 12, completionTokens: 30 } },
];

describe("Ollama's response objects from the engine's events", () => {
  it('streams each tool call with its arguments as an object and its index, then a done object with the stats', async () => {
    const timer = new GenerationTimer(100, steppingClock());
    timer.served();
    const objects = (await all(streamedObjects(fakeEngine(calls), timer, chatObject('ai/tiny-tools')))) as Record<string, unknown>[];
    expect(objects).toHaveLength(3);
    expect(objects[0]).toMatchObject({
      model: 'ai/tiny-tools',
      done: false,
      message: { role: 'assistant', content: '', tool_calls: [{ id: 'call_a', function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } }] },
    });
    expect(objects[1]).toMatchObject({ message: { tool_calls: [{ function: { index: 1, name: 'get_time', arguments: { zone: 'CET' } } }] } });
    const last = objects[2]!;
    expect(last).toMatchObject({ done: true, done_reason: 'stop', message: { role: 'assistant', content: '' }, prompt_eval_count: 12, eval_count: 30 });
    expect(last.message).not.toHaveProperty('tool_calls');
    // The clock read: served 101, first event 102, stats 103: 1 ms each, in nanoseconds.
    expect(last).toMatchObject({ load_duration: 1_000_000, prompt_eval_duration: 1_000_000, eval_duration: 1_000_000, total_duration: 3_000_000 });
  });

  it('gathers a whole answer into one done object, tool calls included', async () => {
    const timer = new GenerationTimer(0, steppingClock());
    const body = (await collectedObject(fakeEngine([{ delta: 'Let me check. ' }, ...calls]), timer, chatObject('m'))) as { message: { content: string; tool_calls: unknown[] } };
    expect(body).toMatchObject({ done: true, done_reason: 'stop', eval_count: 30 });
    expect(body.message.content).toBe('Let me check. ');
    expect(body.message.tool_calls).toEqual([
      { id: 'call_a', function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } },
      { id: 'call_b', function: { index: 1, name: 'get_time', arguments: { zone: 'CET' } } },
    ]);
  });

  it("writes generate's text in response, and a cut-off answer as done_reason length", async () => {
    const events: GenerationEvent[] = [{ delta: 'Once' }, { delta: ' upon' }, { finish: { reason: 'length', promptTokens: 3, completionTokens: 2 } }];
    const objects = (await all(streamedObjects(fakeEngine(events), new GenerationTimer(0), generateObject('m')))) as Record<string, unknown>[];
    expect(objects.map((object) => object.response)).toEqual(['Once', ' upon', '']);
    expect(objects.map((object) => object.done)).toEqual([false, false, true]);
    expect(objects[2]).toMatchObject({ done_reason: 'length', prompt_eval_count: 3, eval_count: 2 });
    expect(objects[0]).not.toHaveProperty('done_reason');
  });
});

import { describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../../engine/engine.js';
import { RunnerError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { startedResponse, type ResponseBody } from './response-body.js';
import { ResponseBuilder } from './response-builder.js';
import { responseStream } from './response-stream.js';

async function* generation(failing: boolean): AsyncGenerator<GenerationEvent> {
  yield { delta: 'Hi' };
  if (failing) throw new RunnerError('unavailable', 'the worker stopped');
  yield { finish: { reason: 'stop', promptTokens: 2, completionTokens: 1 } };
}

/** Reads the stream as a client that goes away once it has seen `last`, and says what was settled by then. */
async function settledWhenClientStopsAt(last: string, failing: boolean): Promise<ResponseBody[]> {
  const settled: ResponseBody[] = [];
  const builder = new ResponseBuilder(startedResponse('resp_1', { model: 'ai/tiny' }));
  const reader = responseStream(builder, generation(failing), (response) => settled.push(response), createLogger('silent')).body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(`event: ${last}\n`)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before ${last}`);
    text += decoder.decode(value);
  }
  await reader.cancel();
  return settled;
}

describe('responseStream', () => {
  it('has kept the completed response when a client stops reading at response.completed', async () => {
    const settled = await settledWhenClientStopsAt('response.completed', false);
    expect(settled).toEqual([expect.objectContaining({ id: 'resp_1', status: 'completed', output: [expect.objectContaining({ status: 'completed' })] })]);
  });

  it('has kept the failed response when a client stops reading at the error event', async () => {
    const settled = await settledWhenClientStopsAt('error', true);
    expect(settled).toEqual([expect.objectContaining({ id: 'resp_1', status: 'failed', error: { code: 'service_unavailable_error', message: 'the worker stopped' } })]);
  });
});

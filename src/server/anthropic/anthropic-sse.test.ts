import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { anthropicSse } from './anthropic-sse.js';

describe('anthropicSse', () => {
  it('names each event after its type, and ends a failed stream with an error event in Anthropic’s shape', async () => {
    async function* failing() {
      yield { type: 'message_start' };
      throw new RunnerError('unavailable', 'the engine for model ai/tiny stopped');
    }
    const response = anthropicSse(failing(), createLogger('silent'));
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe(
      'event: message_start\ndata: {"type":"message_start"}\n\n' +
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"the engine for model ai/tiny stopped"}}\n\n',
    );
  });
});

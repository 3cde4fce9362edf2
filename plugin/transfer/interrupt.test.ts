import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { interruptible } from './interrupt.js';

describe('Ctrl+C during a transfer', () => {
  it('aborts the work instead of killing the process, and lets go of SIGINT afterwards', async () => {
    const signals = new EventEmitter();
    const seen = await interruptible(signals, async (signal) => {
      expect(signals.listenerCount('SIGINT')).toBe(1);
      signals.emit('SIGINT');
      return signal.aborted;
    });
    expect(seen).toBe(true);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('lets go of SIGINT when the work fails too', async () => {
    const signals = new EventEmitter();
    await expect(interruptible(signals, async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine/engine.js';
import type { Lease } from '../scheduler/scheduler-types.js';
import { leasedResponse } from './leased-response.js';
import { streamedResponse } from './stream-body.js';

function countingLease(): Lease & { releases: number } {
  const lease = {
    engine: {} as Engine,
    releases: 0,
    release() {
      lease.releases++;
    },
  };
  return lease;
}

async function* chunks(count: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield Buffer.from(`chunk ${i}\n`);
}

const streamed = (count: number) => async () => streamedResponse(chunks(count), { headers: {} });

describe('leasedResponse', () => {
  it('holds the lease until a streamed body has been read to its end, then releases it once', async () => {
    const lease = countingLease();
    const response = await leasedResponse(lease, new AbortController().signal, streamed(3));
    expect(lease.releases).toBe(0);
    expect(await response.text()).toBe('chunk 0\nchunk 1\nchunk 2\n');
    expect(lease.releases).toBe(1);
  });

  it('releases when the body is cancelled before its first chunk was read', async () => {
    const lease = countingLease();
    const response = await leasedResponse(lease, new AbortController().signal, streamed(3));
    await response.body!.cancel();
    expect(lease.releases).toBe(1);
  });

  it('releases when the client leaves mid-stream, even if nobody cancels the body', async () => {
    const lease = countingLease();
    const client = new AbortController();
    const response = await leasedResponse(lease, client.signal, streamed(3));
    const reader = response.body!.getReader();
    await reader.read();
    client.abort('Client connection prematurely closed.');
    expect(lease.releases).toBe(1);
    await reader.cancel();
    expect(lease.releases).toBe(1);
  });

  it('releases at once for a client that left before the response was built', async () => {
    const lease = countingLease();
    const client = new AbortController();
    client.abort();
    await leasedResponse(lease, client.signal, streamed(3));
    expect(lease.releases).toBe(1);
  });

  it('releases when building the response fails, and passes the failure on', async () => {
    const lease = countingLease();
    const failing = leasedResponse(lease, new AbortController().signal, async () => {
      throw new Error('context length exceeded');
    });
    await expect(failing).rejects.toThrow('context length exceeded');
    expect(lease.releases).toBe(1);
  });

  it('releases when the body fails mid-stream', async () => {
    const lease = countingLease();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('first');
      throw new Error('worker crashed');
    }
    const response = await leasedResponse(lease, new AbortController().signal, async () => streamedResponse(failing(), { headers: {} }));
    await expect(response.text()).rejects.toThrow('worker crashed');
    expect(lease.releases).toBe(1);
  });

  it('releases at once for a complete body, which is in memory before it is sent, and keeps its status and headers', async () => {
    const lease = countingLease();
    const response = await leasedResponse(lease, new AbortController().signal, async () => Response.json({ ok: true }, { status: 201 }));
    expect(lease.releases).toBe(1);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ ok: true });
  });
});

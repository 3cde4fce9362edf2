import { describe, expect, it } from 'vitest';
import { startedResponse } from './response-body.js';
import { ResponseStore, type StoredResponse } from './response-store.js';

function stored(id: string, text = ''): StoredResponse {
  return {
    response: { ...startedResponse(id, { model: 'ai/tiny' }), status: 'completed' },
    input: [{ type: 'message', id: `msg_${id}`, role: 'user', status: 'completed', content: [{ type: 'input_text', text }] }],
    history: [],
  };
}

const bytesOf = (entry: StoredResponse) => Buffer.byteLength(JSON.stringify(entry));

describe('ResponseStore', () => {
  it('keeps a response for its TTL, then forgets it', () => {
    let now = 0;
    const store = new ResponseStore({ ttlMs: 60 * 60 * 1000, now: () => now });
    store.save(stored('resp_a'));
    now = 60 * 60 * 1000 - 1;
    expect(store.get('resp_a')?.response.id).toBe('resp_a');
    now += 1;
    expect(store.get('resp_a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('drops expired responses when another is saved, without being asked for them', () => {
    let now = 0;
    const store = new ResponseStore({ ttlMs: 1000, now: () => now });
    store.save(stored('resp_a'));
    now = 500;
    store.save(stored('resp_b'));
    now = 1200;
    store.save(stored('resp_c'));
    expect(store.size).toBe(2);
    expect(store.get('resp_a')).toBeUndefined();
    expect(store.get('resp_b')).toBeDefined();
  });

  it('evicts the oldest responses when the size bound is passed', () => {
    const one = bytesOf(stored('resp_a'));
    const store = new ResponseStore({ maxBytes: one * 2, now: () => 0 });
    store.save(stored('resp_a'));
    store.save(stored('resp_b'));
    expect(store.size).toBe(2);
    store.save(stored('resp_c'));
    expect(store.get('resp_a')).toBeUndefined();
    expect(store.get('resp_b')).toBeDefined();
    expect(store.get('resp_c')).toBeDefined();
  });

  it('counts bytes, not entries: one large response pushes out several small ones, and one larger than the bound is not kept', () => {
    const small = bytesOf(stored('resp_a'));
    const store = new ResponseStore({ maxBytes: small * 3, now: () => 0 });
    for (const id of ['resp_a', 'resp_b', 'resp_c']) store.save(stored(id));
    store.save(stored('resp_d', 'x'.repeat(small)));
    expect(['resp_a', 'resp_b', 'resp_c', 'resp_d'].filter((id) => store.get(id))).toEqual(['resp_c', 'resp_d']);
    store.save(stored('resp_e', 'x'.repeat(small * 3)));
    expect(store.get('resp_e')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('deletes once', () => {
    const store = new ResponseStore();
    store.save(stored('resp_a'));
    expect(store.delete('resp_a')).toBe(true);
    expect(store.delete('resp_a')).toBe(false);
    expect(store.get('resp_a')).toBeUndefined();
  });
});

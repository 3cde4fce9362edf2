import { describe, expect, it } from 'vitest';
import { Broadcast } from './broadcast.js';

describe('a broadcast', () => {
  it('drops new items for a subscriber that has `limit` unread, and only for it, but never the last', async () => {
    const broadcast = new Broadcast<number>({ limit: 2 });
    const slow = broadcast.subscribe();
    const fast = broadcast.subscribe();
    broadcast.publish(1);
    expect((await fast.messages.next()).value).toBe(1);
    broadcast.publish(2);
    broadcast.publish(3);
    broadcast.end(4);
    const read = async (messages: AsyncGenerator<number>) => {
      const items: number[] = [];
      for await (const item of messages) items.push(item);
      return items;
    };
    expect(await read(slow.messages)).toEqual([1, 2, 4]);
    expect(await read(fast.messages)).toEqual([2, 3, 4]);
    expect(broadcast.size).toBe(0);
  });

  it('tells its owner when the last subscriber leaves before the end', () => {
    let abandoned = 0;
    const broadcast = new Broadcast<string>({ onAbandoned: () => abandoned++ });
    const stop = new AbortController();
    broadcast.subscribe(stop.signal);
    const other = broadcast.subscribe();
    stop.abort();
    expect([broadcast.size, abandoned]).toEqual([1, 0]);
    other.leave();
    expect([broadcast.size, abandoned]).toEqual([0, 1]);
  });
});

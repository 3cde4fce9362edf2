import { describe, expect, it } from 'vitest';
import { RequestRecords, type RecordedRequest } from './request-records.js';

const request = (n: number): RecordedRequest => ({ model: 'ai/tiny', method: 'POST', url: '/engines/v1/chat/completions', request: `{"n":${n}}`, userAgent: '', origin: '' });

describe('the request records', () => {
  it('keep the last 10 requests of a model, leave empty fields out, and go when its worker ends', () => {
    const records = new RequestRecords();
    records.runnerStarted('sha256:a', { contextSize: 512 });
    for (let n = 0; n < 12; n++) records.finish('sha256:a', records.start('sha256:a', request(n)), 200, { response: '{}' });
    const [group] = records.list('sha256:a');
    expect(group).toMatchObject({ count: 10, model: 'sha256:a', config: { 'context-size': 512 } });
    expect(group!.records.map((record) => record.request)).toEqual(Array.from({ length: 10 }, (_, n) => `{"n":${n + 2}}`));
    expect(Object.keys(group!.records[0]!)).toEqual(['id', 'model', 'method', 'url', 'request', 'response', 'timestamp', 'status_code']);
    expect(new Set(group!.records.map((record) => record.id)).size).toBe(10);
    records.runnerEnded('sha256:a');
    expect(records.list()).toEqual([]);
  });

  it('tell subscribers of each finished request until they leave', async () => {
    const records = new RequestRecords();
    const stop = new AbortController();
    const { messages } = records.subscribe(stop.signal);
    expect(records.subscribers).toBe(1);
    const entry = records.start('sha256:b', { ...request(1), userAgent: 'curl/8' });
    records.finish('sha256:b', entry, 404, { error: '{"error":"x"}' });
    const { value } = await messages.next();
    expect(value).toEqual({ modelId: 'sha256:b', groups: [{ count: 1, model: 'ai/tiny', config: {}, records: [expect.objectContaining({ status_code: 404, error: '{"error":"x"}', user_agent: 'curl/8' })] }] });
    stop.abort();
    expect(records.subscribers).toBe(0);
    expect((await messages.next()).done).toBe(true);
  });
});

import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { observeResponse } from './observed-response.js';
import { streamedResponse } from './stream-body.js';

async function* lines(count: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield Buffer.from(`line ${i}\n`);
}

/** An app whose one route answers with `respond`, watched by observeResponse; what the watcher saw. */
function watchedApp(respond: () => Response) {
  const seen = { chunks: [] as string[], ends: 0 };
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    await observeResponse(
      c,
      () => seen.ends++,
      (chunk) => seen.chunks.push(Buffer.from(chunk).toString('utf8')),
    );
  });
  app.get('/', () => respond());
  return { app, seen };
}

describe('observeResponse', () => {
  it('shows a streamed body chunk by chunk as it is read, and ends once when it has been read', async () => {
    const { app, seen } = watchedApp(() => streamedResponse(lines(3), { headers: { 'content-type': 'text/plain' } }));
    const response = await app.request('/');
    expect(seen.ends).toBe(0);
    expect(await response.text()).toBe('line 0\nline 1\nline 2\n');
    expect(seen.chunks).toEqual(['line 0\n', 'line 1\n', 'line 2\n']);
    expect(seen.ends).toBe(1);
  });

  it('shows a complete body whole before it is sent, and sends the same bytes with the same status and headers', async () => {
    const { app, seen } = watchedApp(() => Response.json({ ok: true }, { status: 201, headers: { 'x-kept': 'yes' } }));
    const response = await app.request('/');
    expect(seen).toEqual({ chunks: ['{"ok":true}'], ends: 1 });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-kept')).toBe('yes');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('leaves an answer without a body without one', async () => {
    const { app, seen } = watchedApp(() => new Response(null, { status: 204 }));
    const response = await app.request('/');
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(seen.ends).toBe(1);
  });
});

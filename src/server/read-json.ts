import type { Context } from 'hono';
import type { z } from 'zod';
import { RunnerError } from '../shared/errors.js';

export const MAX_JSON_BODY_BYTES = 10 * 1024 * 1024;

/** How the inference APIs (OpenAI's, Ollama's, Anthropic's) open a refusal of a body: as llama-server words it. */
export const INVALID_REQUEST = { invalidMessage: 'invalid request' };

async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      await body.cancel().catch(() => undefined);
      throw new RunnerError('payload_too_large', `request too large: the limit is ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * A body with a declared length is read whole: node's HTTP parser ends it at that length, so the
 * check of the header bounds it, and @hono/node-server then reads it from the socket without
 * building a web Request around it (a fifth of a millisecond a request). A chunked body has no
 * length until it ends, so it is read as a stream and stopped at the limit.
 */
async function readBody(c: Context): Promise<Buffer> {
  const declared = c.req.header('content-length');
  if (declared === undefined) return readLimited(c.req.raw.body, MAX_JSON_BODY_BYTES);
  if (Number(declared) > MAX_JSON_BODY_BYTES) {
    throw new RunnerError('payload_too_large', `request too large: the limit is ${MAX_JSON_BODY_BYTES} bytes`);
  }
  return Buffer.from(await c.req.raw.arrayBuffer());
}

const bodies = new WeakMap<Request, Promise<Buffer>>();

/** The request's bytes within the limit, read once: a middleware that looks at them (the request recorder) leaves them for the route. */
export function requestBytes(c: Context): Promise<Buffer> {
  let bytes = bodies.get(c.req.raw);
  if (!bytes) bodies.set(c.req.raw, (bytes = readBody(c)));
  return bytes;
}

/** Reads and validates a JSON body once, at the edge; handlers get typed values. */
export async function readJson<T extends z.ZodType>(
  c: Context,
  schema: T,
  options: { allowEmpty?: boolean; invalidMessage?: string } = {},
): Promise<z.infer<T>> {
  const bytes = await requestBytes(c);
  const invalid = options.invalidMessage ?? 'invalid request body';
  let json: unknown = {};
  if (bytes.byteLength > 0 || !options.allowEmpty) {
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new RunnerError('invalid_request', `${invalid}: malformed JSON`);
    }
  }
  return validated(schema, json, invalid, 'body');
}

/** A value checked against its schema, or a 400 naming the first parameter at fault (`whole` when it is the value itself). */
export function validated<T extends z.ZodType>(schema: T, value: unknown, invalid: string, whole: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || whole;
    throw new RunnerError('invalid_request', `${invalid}: ${where}: ${issue?.message ?? 'invalid'}`, { param: where });
  }
  return parsed.data;
}

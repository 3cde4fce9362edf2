import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { RunnerError } from '../shared/errors.js';

export interface VerifiedFile {
  digest: string;
  size: number;
}

export interface Expected {
  digest?: string;
  size?: number;
}

/**
 * Streams bytes to a new file while hashing them; fails (and removes the file) when the bytes do
 * not match the expected digest or size, so an unverified blob never exists under its name.
 */
export async function writeVerifiedFile(
  path: string,
  source: AsyncIterable<Uint8Array>,
  expected: Expected = {},
): Promise<VerifiedFile> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await open(path, 'wx', 0o644);
  let digest: string;
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (expected.size !== undefined && size > expected.size) throw sizeMismatch(expected, size);
      hash.update(chunk);
      await handle.write(chunk);
    }
    digest = `sha256:${hash.digest('hex')}`;
    if (expected.size !== undefined && size !== expected.size) throw sizeMismatch(expected, size);
    if (expected.digest !== undefined && digest !== expected.digest) {
      throw new RunnerError('invalid_request', `blob ${expected.digest} does not match its digest (its content is ${digest})`);
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  return { digest, size };
}

function sizeMismatch(expected: Expected, size: number): RunnerError {
  const what = expected.digest ?? 'blob';
  return new RunnerError('invalid_request', `${what} has ${size > (expected.size ?? 0) ? 'more' : 'fewer'} bytes than the ${expected.size} its descriptor declares`);
}

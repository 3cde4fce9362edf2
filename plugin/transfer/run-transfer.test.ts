import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import { RunnerClient } from '../../src/api/runner-client.js';
import { plainProgress } from './plain-progress.js';
import { DMR_RETRY_SCHEDULE, type RetrySchedule } from './retry.js';
import { runTransfer, type TransferDeps } from './run-transfer.js';

interface Answer {
  status: number;
  lines?: ProgressMessage[];
  text?: string;
}

interface Seen {
  method: string;
  url: string;
  accept: string | undefined;
  body: string;
}

const layer = { id: 'sha256:aa', size: 2_000_000, current: 2_000_000 };
const progress: ProgressMessage = { type: 'progress', message: 'Downloaded: 1.91 MB', total: 2_000_000, layer, mode: 'pull' };
const final = (type: ProgressMessage['type'], message: string): ProgressMessage => ({ type, message, total: 0, layer: { size: 0, current: 0 }, mode: 'pull' });

/** A stand-in runner answering each request with the next of `answers`. */
let server: Server;
let answers: Answer[];
let seen: Seen[];
let client: RunnerClient;

beforeEach(async () => {
  answers = [];
  seen = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', accept: req.headers.accept, body });
      const answer = answers.shift() ?? { status: 500, text: 'no answer left' };
      res.writeHead(answer.status, { 'content-type': answer.lines ? 'application/json' : 'text/plain' });
      res.end(answer.lines ? answer.lines.map((line) => `${JSON.stringify(line)}\n`).join('') : answer.text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new RunnerClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function deps(): TransferDeps & { waits: number[]; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const waits: number[] = [];
  const schedule: RetrySchedule = { delaysMs: DMR_RETRY_SCHEDULE.delaysMs, sleep: async (ms) => void waits.push(ms) };
  const text = (stream: PassThrough) => () => (stream.read() as Buffer | null)?.toString() ?? '';
  return { client, display: () => plainProgress(out, 'pull'), out, err, schedule, signal: new AbortController().signal, waits, stdout: text(out), stderr: text(err) };
}

describe('a transfer against a runner', () => {
  it('retries a runner that answers 503 twice, then shows the pull and returns its message', async () => {
    answers = [{ status: 503, text: 'starting' }, { status: 503, text: 'starting' }, { status: 200, lines: [progress, final('success', 'Model pulled successfully')] }];
    const run = deps();
    expect(await runTransfer({ mode: 'pull', model: 'ai/tiny' }, run)).toBe('Model pulled successfully');
    expect(seen).toEqual(Array.from({ length: 3 }, () => ({ method: 'POST', url: '/models/create', accept: 'application/json', body: '{"from":"ai/tiny"}' })));
    expect(run.waits).toEqual([1000, 2000]);
    expect(run.stderr()).toBe('Retrying download (attempt 1/4) in 1s...\nRetrying download (attempt 2/4) in 2s...\n');
    expect(run.stdout()).toBe('\n\nDownloaded 2.00MB of 2.00MB\n');
  });

  it('retries 502 and 504 from a gateway', async () => {
    answers = [{ status: 502, text: 'bad gateway' }, { status: 504, text: 'gateway timeout' }, { status: 200, lines: [final('success', 'Using cached model: 2MB')] }];
    const run = deps();
    expect(await runTransfer({ mode: 'pull', model: 'ai/tiny' }, run)).toBe('Using cached model: 2MB');
    expect(run.waits).toEqual([1000, 2000]);
  });

  it("fails at once on a 500 or a 404, with DMR's wording and the runner's reason", async () => {
    answers = [{ status: 500, text: 'storage backend exploded\n' }];
    await expect(runTransfer({ mode: 'pull', model: 'ai/tiny' }, deps())).rejects.toThrow('pulling ai/tiny failed with status 500 Internal Server Error: storage backend exploded');
    answers = [{ status: 404, text: 'Model not found' }];
    const run = deps();
    await expect(runTransfer({ mode: 'push', model: 'ai/absent' }, run)).rejects.toMatchObject({ code: 'not_found', message: 'pushing ai/absent failed with status 404 Not Found: Model not found' });
    expect(seen.map((request) => request.url)).toEqual(['/models/create', '/models/ai/absent/push']);
    expect(seen[1]?.body).toBe('');
    expect(run.waits).toEqual([]);
  });

  it('fails with the error line of a failed pull, retrying only one that reads like a network fault', async () => {
    answers = [{ status: 200, lines: [progress, final('error', 'Error: blob sha256:aa: digest mismatch')] }];
    await expect(runTransfer({ mode: 'pull', model: 'ai/tiny' }, deps())).rejects.toMatchObject({ code: 'internal', message: 'Error: blob sha256:aa: digest mismatch' });
    answers = [{ status: 200, lines: [final('error', 'Error: read tcp: connection reset by peer')] }, { status: 200, lines: [final('success', 'Model pulled successfully')] }];
    const run = deps();
    expect(await runTransfer({ mode: 'pull', model: 'ai/tiny' }, run)).toBe('Model pulled successfully');
    expect(run.waits).toEqual([1000]);
  });

  it('sends warnings to stderr and keeps going', async () => {
    answers = [{ status: 200, lines: [final('warning', 'slow registry'), final('success', 'Model pulled successfully')] }];
    const run = deps();
    expect(await runTransfer({ mode: 'pull', model: 'ai/tiny' }, run)).toBe('Model pulled successfully');
    expect(run.stderr()).toBe('Warning: slow registry\n');
  });

  it('fails when the stream ends without a result', async () => {
    answers = [{ status: 200, lines: [progress] }];
    await expect(runTransfer({ mode: 'pull', model: 'ai/tiny' }, deps())).rejects.toThrow('the runner ended the progress stream without saying whether it succeeded');
  });

  it('sends the bearer token, when there is one, as DMR does for Hugging Face', async () => {
    answers = [{ status: 200, lines: [final('success', 'ok')] }, { status: 200, lines: [final('success', 'ok')] }];
    await runTransfer({ mode: 'pull', model: 'hf.co/org/repo', bearerToken: 'hf_x' }, deps());
    await runTransfer({ mode: 'push', model: 'hf.co/org/repo', bearerToken: 'hf_x' }, deps());
    expect(seen.map((request) => request.body)).toEqual(['{"from":"hf.co/org/repo","bearer-token":"hf_x"}', '{"bearer-token":"hf_x"}']);
  });
});

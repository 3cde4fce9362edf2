import { Writable } from 'node:stream';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import type { RunnerClient } from '../../src/api/runner-client.js';
import { RunnerError } from '../../src/shared/errors.js';
import type { ProgressDisplay } from './progress-display.js';
import { DMR_RETRY_SCHEDULE, withRetries, type RetrySchedule } from './retry.js';
import { openTransfer, type TransferRequest } from './transfer-request.js';

export interface TransferDeps {
  client: RunnerClient;
  /** A display per attempt, so a retry draws below what the failed attempt left. */
  display: () => ProgressDisplay;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  schedule: RetrySchedule;
  /** Ctrl+C: the request is dropped, and the runner keeps what it has for the next pull. */
  signal: AbortSignal;
}

/** DMR's CLI retries a transfer whose failure reads like one of these network troubles. */
const TRANSIENT_FAILURES = ['connection refused', 'connection reset', 'broken pipe', 'timeout', 'temporary failure', 'no such host', 'no route to host', 'network is unreachable', 'stream error', 'internal_error', 'protocol_error'];

function failure(message: string): RunnerError {
  const lower = message.toLowerCase();
  return new RunnerError(TRANSIENT_FAILURES.some((pattern) => lower.includes(pattern)) ? 'unavailable' : 'internal', message);
}

/** Go's time.Duration text for the whole-second backoffs DMR prints ("1s"), and the short ones tests use. */
function goDuration(ms: number): string {
  return ms === 0 ? '0s' : ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}

/** One attempt: progress to the display, warnings to stderr, the runner's last word returned or thrown. */
async function follow(messages: AsyncIterable<ProgressMessage>, display: ProgressDisplay, err: NodeJS.WritableStream): Promise<string> {
  let result: string | undefined;
  for await (const message of messages) {
    if (message.type === 'progress') display.show(message);
    else if (message.type === 'success') result = message.message;
    else if (message.type === 'warning') err.write(`Warning: ${message.message}\n`);
    else if (message.type === 'error') throw failure(message.message);
  }
  if (result === undefined) throw new RunnerError('internal', 'the runner ended the progress stream without saying whether it succeeded');
  return result;
}

/**
 * A pull or push as DMR's CLI runs it: retried on transient failures with a note on stderr (and
 * a blank line on stdout to set the next attempt's progress apart); returns the success message.
 */
export function runTransfer(request: TransferRequest, deps: TransferDeps): Promise<string> {
  const operation = request.mode === 'pull' ? 'download' : 'push';
  const attempt = async () => {
    const display = deps.display();
    try {
      return await follow(await openTransfer(deps.client, request, deps.signal), display, deps.err);
    } finally {
      display.close();
    }
  };
  return withRetries(operation, attempt, {
    schedule: deps.schedule,
    signal: deps.signal,
    onRetry: (index, retries, delayMs) => {
      deps.out.write('\n');
      deps.err.write(`Retrying ${operation} (attempt ${index}/${retries}) in ${goDuration(delayMs)}...\n`);
    },
  });
}

const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * A pull for a program rather than a person (Compose's provider, the Testcontainers module): DMR's
 * retries, progress only through `display`, and no retry notes, whose stdout and stderr are not
 * theirs to write to.
 */
export function pullQuietly(client: RunnerClient, model: string, display: () => ProgressDisplay, signal: AbortSignal): Promise<string> {
  return runTransfer({ mode: 'pull', model }, { client, display, out: discard, err: discard, schedule: DMR_RETRY_SCHEDULE, signal });
}

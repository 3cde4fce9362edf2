import { STATUS_CODES } from 'node:http';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import type { RunnerClient } from '../../src/api/runner-client.js';
import { codeForStatus, RunnerError } from '../../src/shared/errors.js';
import { readProgress } from './progress-stream.js';

export type TransferMode = 'pull' | 'push';

export interface TransferRequest {
  mode: TransferMode;
  model: string;
  /** DMR's CLI sends HF_TOKEN as the bearer token for Hugging Face references only. */
  bearerToken?: string;
}

function httpRequest({ mode, model, bearerToken }: TransferRequest, signal: AbortSignal): { path: string; init: RequestInit } {
  const token = bearerToken ? { 'bearer-token': bearerToken } : {};
  const body = mode === 'pull' ? JSON.stringify({ from: model, ...token }) : bearerToken ? JSON.stringify(token) : undefined;
  // Asking for exactly application/json gets raw JSON lines instead of DMR's HTML-escaped text.
  const headers: Record<string, string> = { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) };
  return { path: mode === 'pull' ? '/models/create' : `/models/${model}/push`, init: { method: 'POST', headers, body, signal } };
}

/**
 * Starts a pull (`POST /models/create`) or push (`POST /models/{m}/push`) and returns its progress
 * messages; a refusal becomes DMR's "pulling X failed with status 404 Not Found: <body>".
 */
export async function openTransfer(client: RunnerClient, request: TransferRequest, signal: AbortSignal): Promise<AsyncIterable<ProgressMessage>> {
  const { path, init } = httpRequest(request, signal);
  const response = await client.send(path, init);
  if (!response.ok) {
    const body = (await response.text()).trim();
    const status = `${response.status} ${response.statusText || STATUS_CODES[response.status] || ''}`.trim();
    throw new RunnerError(codeForStatus(response.status), `${request.mode === 'pull' ? 'pulling' : 'pushing'} ${request.model} failed with status ${status}: ${body}`);
  }
  if (!response.body) throw new RunnerError('internal', `the runner answered the ${request.mode} without a body`);
  return readProgress(response.body as AsyncIterable<Uint8Array>);
}

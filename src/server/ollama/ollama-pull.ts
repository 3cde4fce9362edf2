import type { ProgressMessage } from '../../api/dmr-types.js';

export interface PullStatus {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
  error?: string;
}

/** Ollama names a layer in its status by the first 12 hex digits of its digest. */
function shortDigest(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice('sha256:'.length, 'sha256:'.length + 12) : digest;
}

/** Our puller's progress line as Ollama's (reference §2.6): per-layer bytes, `success`, or `error`. */
function pullStatus(message: ProgressMessage): PullStatus {
  switch (message.type) {
    case 'progress': {
      const { id, size, current } = message.layer;
      const layer = id ? { status: `pulling ${shortDigest(id)}`, digest: id } : { status: 'pulling manifest' };
      return { ...layer, total: size, completed: current };
    }
    case 'success':
      return { status: 'success' };
    case 'error':
      return { error: message.message };
    case 'warning':
      return { status: message.message };
  }
}

export async function* pullStatuses(messages: AsyncIterable<ProgressMessage>): AsyncGenerator<PullStatus> {
  for await (const message of messages) yield pullStatus(message);
}

/** The last status of a pull, for `"stream": false`: success, or the error that ended it. */
export async function finalPullStatus(messages: AsyncIterable<ProgressMessage>): Promise<PullStatus> {
  let last: PullStatus = { error: 'the pull ended without a result' };
  for await (const status of pullStatuses(messages)) if (status.status === 'success' || status.error !== undefined) last = status;
  return last;
}

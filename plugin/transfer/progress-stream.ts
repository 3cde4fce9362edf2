import { textLines } from '../../src/shared/text-lines.js';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import { RunnerError } from '../../src/shared/errors.js';

/** As DMR's CLI: enough of a proxy's HTML error page to recognise it, never a whole download. */
const MAX_NON_JSON_BYTES = 4096;

function isProgressMessage(value: unknown): value is ProgressMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function parseLine(line: string): ProgressMessage | undefined {
  try {
    const value: unknown = JSON.parse(line);
    // Go's decoder gives absent fields their zero values; a final line may omit them.
    return isProgressMessage(value) ? { ...value, layer: value.layer ?? { size: 0, current: 0 }, total: value.total ?? 0 } : undefined;
  } catch {
    return undefined;
  }
}

/** A broken body is a network failure (the runner died, a proxy cut it), which DMR's CLI retries. */
function brokenStream(error: unknown): unknown {
  if ((error as Error).name === 'AbortError') return error;
  const cause = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
  return new RunnerError('unavailable', `the progress stream from the runner broke off (${cause})`, { cause: error });
}

/**
 * The newline-delimited progress messages of a pull or push (reference §2.1), read as DMR's CLI
 * reads them: blank and non-JSON lines are skipped, but a body with nothing else (a proxy's
 * error page) is an error that quotes it.
 */
export async function* readProgress(body: AsyncIterable<Uint8Array>): AsyncGenerator<ProgressMessage> {
  let nonJson = '';
  let truncated = false;
  let understood = false;
  try {
    for await (const line of textLines(body)) {
      if (line.trim() === '') continue;
      const message = parseLine(line);
      if (message) {
        understood ||= message.type === 'progress' || message.type === 'success';
        yield message;
        continue;
      }
      if (nonJson.length >= MAX_NON_JSON_BYTES) {
        truncated = true;
        continue;
      }
      const room = MAX_NON_JSON_BYTES - nonJson.length - (nonJson ? 1 : 0);
      truncated ||= line.length > room;
      nonJson += (nonJson ? '\n' : '') + line.slice(0, room);
    }
  } catch (error) {
    throw brokenStream(error);
  }
  if (!understood && nonJson) {
    throw new RunnerError('internal', `unexpected response from server (not valid progress data): ${nonJson}${truncated ? '\n...[truncated]' : ''}`);
  }
}

import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** What the copy needs of a dockerode container: its logs and the modem that demultiplexes them. */
export interface LogSource {
  logs(options: { stdout: true; stderr: true; follow: false }): Promise<Buffer>;
  logs(options: { stdout: true; stderr: true; follow: true }): Promise<NodeJS.ReadableStream>;
  modem: { demuxStream(stream: NodeJS.ReadableStream, stdout: LogSink, stderr: LogSink): void };
}

export interface LogSink {
  write(chunk: Buffer): unknown;
}

export interface CopyOptions {
  follow: boolean;
  /** Keeps a whole line (newline included) or drops it; undefined passes everything through as it comes. */
  keep?: (line: string) => boolean;
  /** Ends a followed copy (Ctrl+C); the copy then resolves. */
  signal?: AbortSignal;
}

/** Passes whole lines that `keep` accepts; a last line without its newline waits for `end`. */
class LineFilter implements LogSink {
  #partial = '';

  constructor(
    readonly target: LogSink,
    readonly keep: (line: string) => boolean,
  ) {}

  write(chunk: Buffer): void {
    const lines = (this.#partial + chunk.toString('utf8')).split(/(?<=\n)/);
    this.#partial = lines.at(-1)!.endsWith('\n') ? '' : lines.pop()!;
    const kept = lines.filter(this.keep).join('');
    if (kept) this.target.write(Buffer.from(kept));
  }

  end(): void {
    if (this.#partial && this.keep(this.#partial)) this.target.write(Buffer.from(this.#partial));
    this.#partial = '';
  }
}

/**
 * `docker logs` of a container without a TTY: its stdout and stderr arrive multiplexed in one
 * stream (a whole buffer unless following) and go back to their own sinks.
 */
export async function copyContainerLogs(container: LogSource, out: LogSink, err: LogSink, options: CopyOptions): Promise<void> {
  const stream = options.follow ? await container.logs({ stdout: true, stderr: true, follow: true }) : Readable.from([await container.logs({ stdout: true, stderr: true, follow: false })]);
  const filters = options.keep ? [new LineFilter(out, options.keep), new LineFilter(err, options.keep)] : undefined;
  container.modem.demuxStream(stream, filters?.[0] ?? out, filters?.[1] ?? err);
  const stop = () => (stream as Readable).destroy();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  try {
    await finished(stream);
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    for (const filter of filters ?? []) filter.end();
  }
}

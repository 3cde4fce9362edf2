import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunnerError } from '../shared/errors.js';
import { LogCursor } from './log-cursor.js';
import { logPaths } from './log-names.js';
import { mergeLines } from './merge-lines.js';

export interface LogReadOptions {
  /** False leaves the engine log out (`no-engines`). */
  engines: boolean;
  /** Tail both files after the merged read, until `signal` aborts. */
  follow: boolean;
  signal: AbortSignal;
}

/** How often a followed file is looked at; a log line shows up within this time. */
const POLL_MS = 250;

/** Text is handed out in blocks of whole lines up to about this size, not a write per line. */
const BLOCK_CHARS = 64 * 1024;

function* blocks(lines: Iterable<string>): Generator<string> {
  let block = '';
  for (const line of lines) {
    block += `${line}\n`;
    if (block.length >= BLOCK_CHARS) {
      yield block;
      block = '';
    }
  }
  if (block) yield block;
}

/** The runner's log directory, read as DMR's `/logs` serves it. */
export class LogFeed {
  #followers = 0;

  constructor(
    readonly dir: string,
    readonly pollMs = POLL_MS,
  ) {}

  /** Clients following the logs now. */
  get followers(): number {
    return this.#followers;
  }

  /**
   * The service and engine logs merged by time, then, when following, each new line of either:
   * text in whole lines. Throws not_found, before anything is read, when there is no service log.
   */
  async read(options: LogReadOptions): Promise<AsyncGenerator<string>> {
    const paths = logPaths(this.dir);
    await access(paths.service).catch(() => {
      throw new RunnerError('not_found', 'service log not found');
    });
    return this.#lines(options.engines ? [paths.service, paths.engine] : [paths.service], options);
  }

  /** Files are opened on the first read, so a client that leaves before it holds none. */
  async *#lines(paths: string[], options: LogReadOptions): AsyncGenerator<string> {
    const cursors = await Promise.all(paths.map((path) => LogCursor.open(path)));
    const present = cursors.filter((cursor) => cursor !== undefined);
    try {
      const [service = [], engine = []] = await Promise.all(cursors.map((cursor) => cursor?.lines() ?? []));
      yield* blocks(mergeLines(service, engine));
      if (options.follow) yield* this.#follow(present, options.signal);
    } finally {
      await Promise.all(present.map((cursor) => cursor.close()));
    }
  }

  async *#follow(cursors: LogCursor[], signal: AbortSignal): AsyncGenerator<string> {
    this.#followers++;
    try {
      // One last look after the signal: a runner that stops says so before it lets its followers go.
      for (;;) {
        for (const cursor of cursors) yield* blocks(await cursor.lines());
        if (signal.aborted) return;
        await sleep(this.pollMs, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      this.#followers--;
    }
  }
}

import { bracketLine } from './bracket-time.js';
import type { RotatingFile } from './rotating-file.js';

/** What pino writes to: one call per log line. */
export interface LogDestination {
  write(text: string): void;
}

export interface LogFiles {
  service: RotatingFile;
  engine: RotatingFile;
}

/** pino writes a child's bindings just so; the engine workers log under this one. */
const ENGINE_LINE = '"component":"engine"';

/**
 * Each log line as it is to the terminal (stderr, for `docker logs`) and bracket-timestamped to
 * a log file (for `/logs`): the engine log for the engine workers' lines, as DMR keeps them apart,
 * the service log for the rest. A file that cannot be written is said once on the terminal;
 * logging goes on there.
 */
export function logFilesDestination(terminal: LogDestination, files: LogFiles): LogDestination {
  let partial = '';
  let broken = false;
  return {
    write(text) {
      terminal.write(text);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of broken ? [] : lines) {
        const file = line.includes(ENGINE_LINE) ? files.engine : files.service;
        try {
          file.write(bracketLine(line));
        } catch (error) {
          broken = true;
          terminal.write(`model-runner: writing ${file.path} failed, logs go to stderr only: ${(error as Error).message}\n`);
        }
      }
    },
  };
}

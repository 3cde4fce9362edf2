import { mkdirSync } from 'node:fs';
import { logFilesDestination, type LogDestination } from './log-destination.js';
import { logPaths } from './log-names.js';
import { RotatingFile, type RotationLimits } from './rotating-file.js';

/** The runner's log directory, written: its service log and its engine log, each rotated by size. */
export class LogDir {
  readonly #service: RotatingFile;
  readonly #engine: RotatingFile;

  private constructor(
    readonly dir: string,
    limits: RotationLimits,
  ) {
    const paths = logPaths(dir);
    this.#service = new RotatingFile(paths.service, limits);
    this.#engine = new RotatingFile(paths.engine, limits);
  }

  /** Creates the directory (private to this user) and opens both files; throws when it cannot. */
  static open(dir: string, limits: RotationLimits): LogDir {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new LogDir(dir, limits);
  }

  /** Where the root logger writes: the terminal, and the file each line belongs in. */
  destination(terminal: LogDestination): LogDestination {
    return logFilesDestination(terminal, { service: this.#service, engine: this.#engine });
  }

  close(): void {
    this.#service.close();
    this.#engine.close();
  }
}

import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** The one root logger; components take a child with `logger.child({ component })`. */
export function createLogger(level: string, destination: DestinationStream = process.stderr): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

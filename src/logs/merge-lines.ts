import { lineTime } from './bracket-time.js';

/** Yields the untimed (and skips the empty) lines from `index` on; returns where the next timed line is. */
function* untimed(lines: readonly string[], index: number): Generator<string, number> {
  while (index < lines.length && lineTime(lines[index]!) === undefined) {
    if (lines[index]) yield lines[index]!;
    index++;
  }
  return index;
}

/**
 * DMR's merge of the service and engine logs: by bracket timestamp, the service's line first on a
 * tie; a line without a timestamp goes out as soon as its file's reading reaches it.
 */
export function* mergeLines(service: readonly string[], engine: readonly string[]): Generator<string> {
  let s = yield* untimed(service, 0);
  let e = yield* untimed(engine, 0);
  while (s < service.length || e < engine.length) {
    const serviceFirst = e >= engine.length || (s < service.length && lineTime(service[s]!)! <= lineTime(engine[e]!)!);
    if (serviceFirst) {
      yield service[s]!;
      s = yield* untimed(service, s + 1);
    } else {
      yield engine[e]!;
      e = yield* untimed(engine, e + 1);
    }
  }
}

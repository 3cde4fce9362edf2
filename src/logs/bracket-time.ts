/**
 * DMR's log line format, `[2006-01-02T15:04:05.000000000Z] text`, which its `/logs` merge sorts by.
 * JavaScript clocks stop at milliseconds; the nanosecond digits are kept so DMR's readers parse it.
 */
const STAMP = /\[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d+)Z\]/;

export function bracketLine(line: string, now: Date = new Date()): string {
  return `[${now.toISOString().slice(0, -1)}000000Z] ${line}\n`;
}

/** A key that sorts lines by their bracket timestamp (fractions of any length compared as nanoseconds); undefined for a line without one. */
export function lineTime(line: string): string | undefined {
  const match = STAMP.exec(line);
  return match ? `${match[1]}.${match[2]!.padEnd(9, '0').slice(0, 9)}` : undefined;
}

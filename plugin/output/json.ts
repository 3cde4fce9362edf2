/** DMR's CLI JSON (formatter.ToStandardJSON): four-space indent, HTML left as is, one trailing newline. */
export function standardJson(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}

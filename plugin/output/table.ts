/**
 * DMR's tables (tablewriter, as the docker CLI draws them): no borders or rules, left-aligned
 * columns, two spaces after each cell. Trailing spaces are dropped.
 */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]! + 2)).join('').trimEnd();
  return [header, ...rows].map((cells) => `${line(cells)}\n`).join('');
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * Go's `time.Unix(seconds, 0).Format(time.RFC3339)`: the local wall clock with its offset, and `Z`
 * where the offset is zero ("2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z").
 */
export function rfc3339(seconds: number): string {
  const date = new Date(seconds * 1000);
  const offset = -date.getTimezoneOffset();
  const zone = offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`;
}

/** docker/go-units' HumanDuration, which DMR's CLI prints ("2 minutes ago", "About an hour from now"). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's `%.4g`: four significant digits, trailing zeros dropped. */
function goG4(value: number): string {
  const text = value.toPrecision(4);
  return text.includes('e') ? text : text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function scaleDecimal(bytes: number): [number, string] {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  return [size, DECIMAL_UNITS[unit]!];
}

/** docker/go-units' HumanSize: decimal units, four significant digits ("1.23GB", "512kB"). */
export function humanSize(bytes: number): string {
  const [size, unit] = scaleDecimal(bytes);
  return `${goG4(size)}${unit}`;
}

/** go-units' CustomSize with "%.2f", as `docker model df` prints ("1.23GB", "0.00B"). */
export function fixedSize(bytes: number): string {
  const [size, unit] = scaleDecimal(bytes);
  return `${size.toFixed(2)}${unit}`;
}

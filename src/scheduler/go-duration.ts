import { RunnerError } from '../shared/errors.js';

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses DMR's keep_alive: a Go duration ("10m", "1h30m"), "0", or a negative value for "never". */
export function parseKeepAlive(value: string): number {
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text) < 0 ? -1 : Number(text) * 1000;
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const parts = [...body.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== body) {
    throw new RunnerError('invalid_request', `invalid keep_alive duration "${value}"`, { param: 'keep_alive' });
  }
  const ms = parts.reduce((sum, part) => sum + Number(part[1]) * (UNITS[part[2] ?? 's'] ?? 0), 0);
  return negative ? -1 : ms;
}

/** Formats milliseconds as Go prints a time.Duration: "5m0s", "1h0m0s", "30s", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms < 0) return '-1ns';
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = +(totalSeconds % 60).toFixed(3);
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

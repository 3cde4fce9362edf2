import { afterEach, describe, expect, it, vi } from 'vitest';
import { rfc3339 } from './go-time.js';

describe("Go's RFC 3339 times, as DMR's CLI prints them", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes UTC as Z', () => {
    vi.stubEnv('TZ', 'UTC');
    expect(rfc3339(1704067200)).toBe('2024-01-01T00:00:00Z');
  });

  it('writes the local clock with its offset elsewhere', () => {
    vi.stubEnv('TZ', 'Asia/Kolkata');
    expect(rfc3339(1704067200)).toBe('2024-01-01T05:30:00+05:30');
    vi.stubEnv('TZ', 'America/New_York');
    expect(rfc3339(1704067200)).toBe('2023-12-31T19:00:00-05:00');
  });
});

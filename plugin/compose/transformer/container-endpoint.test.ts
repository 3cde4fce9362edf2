import { describe, expect, it } from 'vitest';
import type { RunnerConnection } from '../../runner-connection.js';
import { containerEndpoint } from './container-endpoint.js';

function runner(kind: RunnerConnection['kind'], containerUrl: string): RunnerConnection {
  return { kind, containerUrl, hostUrl: containerUrl, client: undefined as never };
}

describe('containerEndpoint', () => {
  it("sends services to model-runner.docker.internal at the runner's port when the runner is on this host", () => {
    expect(containerEndpoint(runner('Docker Engine', 'http://172.17.0.1:12435'))).toBe('http://model-runner.docker.internal:12435/engines/v1/');
    expect(containerEndpoint(runner('Docker Engine (Manual Install)', 'http://127.0.0.1:40123'))).toBe('http://model-runner.docker.internal:40123/engines/v1/');
    expect(containerEndpoint(runner('Docker Engine (Manual Install)', 'http://localhost'))).toBe('http://model-runner.docker.internal:80/engines/v1/');
  });

  it('keeps the address of a runner on another machine', () => {
    expect(containerEndpoint(runner('Docker Engine (Manual Install)', 'http://gpu-box.lan:12434'))).toBe('http://gpu-box.lan:12434/engines/v1/');
  });

  it("uses DMR's default port when no runner was looked for", () => {
    expect(containerEndpoint(undefined)).toBe('http://model-runner.docker.internal:12434/engines/v1/');
  });
});

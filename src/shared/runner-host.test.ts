import { describe, expect, it } from 'vitest';
import { RUNNER_EXTRA_HOST, withRunnerHost } from './runner-host.js';

describe('withRunnerHost', () => {
  it("adds the runner's name on the host gateway to a service's extra hosts", () => {
    expect(withRunnerHost()).toEqual(['model-runner.docker.internal:host-gateway']);
    expect(withRunnerHost(['db:10.0.0.5'])).toEqual(['db:10.0.0.5', RUNNER_EXTRA_HOST]);
  });

  it('replaces an entry for the same name, in either syntax, instead of doubling it', () => {
    expect(withRunnerHost(['model-runner.docker.internal:10.1.1.1', 'model-runner.docker.internal=10.1.1.2', 'x:1.2.3.4'])).toEqual(['x:1.2.3.4', RUNNER_EXTRA_HOST]);
  });
});

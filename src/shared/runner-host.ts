/** The name Docker Desktop gives the runner inside containers. */
export const RUNNER_ALIAS = 'model-runner.docker.internal';
/**
 * What a Compose service needs to reach the runner by the name Docker Desktop gives it: a
 * project's own network cannot see the default bridge's aliases, but `host-gateway` resolves to
 * the default bridge's gateway, where the runner's port is also published.
 */
export const RUNNER_EXTRA_HOST = `${RUNNER_ALIAS}:host-gateway`;

export function withRunnerHost(extraHosts: readonly string[] = []): string[] {
  const others = extraHosts.filter((entry) => !entry.startsWith(`${RUNNER_ALIAS}:`) && !entry.startsWith(`${RUNNER_ALIAS}=`));
  return [...others, RUNNER_EXTRA_HOST];
}

/** The names and labels DMR's CLI gives the runner on Docker Engine, so the stock CLI finds ours. */
export const RUNNER_CONTAINER = 'docker-model-runner';
export const MODELS_VOLUME = 'docker-model-runner-models';
export const RUNNER_PORT = 12434;

export const SERVICE_LABEL = 'com.docker.desktop.service';
export const ROLE_LABEL = 'com.docker.model-runner.role';

export const controllerLabels = { [SERVICE_LABEL]: 'model-runner', [ROLE_LABEL]: 'controller' } as const;
export const storageLabels = { [SERVICE_LABEL]: 'model-runner', [ROLE_LABEL]: 'model-storage' } as const;

/** Label filters as the Engine API takes them: DMR matches the service label by key alone. */
export const controllerFilter = { label: [SERVICE_LABEL, `${ROLE_LABEL}=controller`] };
export const storageFilter = { label: [`${ROLE_LABEL}=model-storage`] };

/** Where the runner image keeps its models and its user's Docker config. */
export const MODELS_PATH = '/models';
export const RUNNER_HOME = '/home/modelrunner';

/**
 * What a Compose service needs to reach the runner by the name Docker Desktop gives it: a
 * project's own network cannot see the default bridge's aliases, but `host-gateway` resolves to
 * the default bridge's gateway, where the runner's port is also published.
 */
export const RUNNER_EXTRA_HOST = 'model-runner.docker.internal:host-gateway';

export function withRunnerHost(extraHosts: readonly string[] = []): string[] {
  const others = extraHosts.filter((entry) => !entry.startsWith('model-runner.docker.internal:') && !entry.startsWith('model-runner.docker.internal='));
  return [...others, RUNNER_EXTRA_HOST];
}

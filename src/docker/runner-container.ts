/** The names and labels DMR's CLI gives the runner on Docker Engine, so the stock CLI finds ours. */
export const RUNNER_CONTAINER = 'docker-model-runner';
export const MODELS_VOLUME = 'docker-model-runner-models';
export const RUNNER_PORT = 12434;
/** Ours alone: the relay that carries the runner's name onto Compose networks. */
export const ALIAS_CONTAINER = 'docker-model-runner-alias';

export const SERVICE_LABEL = 'com.docker.desktop.service';
export const ROLE_LABEL = 'com.docker.model-runner.role';

export const controllerLabels = { [SERVICE_LABEL]: 'model-runner', [ROLE_LABEL]: 'controller' } as const;
export const storageLabels = { [SERVICE_LABEL]: 'model-runner', [ROLE_LABEL]: 'model-storage' } as const;
export const aliasLabels = { [SERVICE_LABEL]: 'model-runner', [ROLE_LABEL]: 'network-alias' } as const;

/** Label filters as the Engine API takes them: DMR matches the service label by key alone. */
export const controllerFilter = { label: [SERVICE_LABEL, `${ROLE_LABEL}=controller`] };
export const storageFilter = { label: [`${ROLE_LABEL}=model-storage`] };
export const aliasFilter = { label: [SERVICE_LABEL, `${ROLE_LABEL}=network-alias`] };

/** Labels Compose puts on what it creates; a network labelled with JOIN_OPT_OUT_LABEL=false is left alone. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_NETWORK_LABEL = 'com.docker.compose.network';
export const JOIN_OPT_OUT_LABEL = 'com.docker.model-runner.join';

/** Where the runner image keeps its models and its user's Docker config. */
export const MODELS_PATH = '/models';
export const RUNNER_HOME = '/home/modelrunner';

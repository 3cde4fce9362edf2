import { GenericContainer, Wait, getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { RunnerClient } from '../../src/api/runner-client.js';
import { loadRegistryConfig } from '../../src/config.js';
import { dockerConfigCredentials } from '../../src/distribution/docker-credentials.js';
import { imageUser, putOwnedFile } from '../../src/docker/container-files.js';
import { RUNNER_HOME, RUNNER_PORT } from '../../src/docker/runner-container.js';
import { RunnerError, isRunnerError } from '../../src/shared/errors.js';
import { parseModelName } from '../../src/store/model-reference.js';
import { requireLocalImage } from './local-image.js';
import { modelsTmpfs, sharedModelsMount } from './models-mount.js';
import { provisionModels } from './provision-models.js';
import { registryCredentialsConfig } from './registry-credentials.js';
import { StartedModelRunnerContainer } from './started-model-runner-container.js';

export const DEFAULT_IMAGE = 'model-runner:cpu';
/** On every container this module creates (`runner`, `image-user`), so leftovers can be found. */
export const TESTCONTAINERS_LABEL = 'model-runner.testcontainers';

interface OwnedContent {
  content: Buffer;
  owner: { uid: number; gid: number };
}

function asRunnerError(error: unknown, image: string): RunnerError {
  if (isRunnerError(error)) return error;
  return new RunnerError('internal', `the model runner container (${image}) did not start: ${(error as Error).message}`, { cause: error });
}

/**
 * The model runner as a Testcontainers module: `start()` waits until the runner answers
 * `GET /models`, then pulls the models given to `withModel` with the user's registry credentials
 * and applies `withContextSize`; anything failing on the way rejects with the registry's or
 * Engine's words and removes the container.
 */
export class ModelRunnerContainer extends GenericContainer {
  readonly #models: string[] = [];
  #contextSize: number | undefined;
  #modelsFrom: string | undefined;

  constructor(image = DEFAULT_IMAGE) {
    super(image);
    this.withExposedPorts(RUNNER_PORT)
      .withWaitStrategy(Wait.forHttp('/models', RUNNER_PORT, { abortOnContainerExit: true }).forStatusCode(200))
      .withLabels({ [TESTCONTAINERS_LABEL]: 'runner' });
  }

  /** A model to pull during `start()`, e.g. `ai/smollm2`; may be called again for more. */
  withModel(reference: string): this {
    parseModelName(reference);
    this.#models.push(reference);
    return this;
  }

  /** The context size, in tokens, the runner loads each model with. */
  withContextSize(tokens: number): this {
    if (!Number.isInteger(tokens) || tokens <= 0) throw new RunnerError('invalid_request', `withContextSize takes a positive whole number of tokens, got ${tokens}`);
    this.#contextSize = tokens;
    return this;
  }

  /**
   * A models cache shared between containers and jobs, mounted at /models instead of the
   * container's own tmpfs: a volume name, or an absolute directory on the Engine's host.
   */
  withModelsFrom(source: string): this {
    this.hostConfig.Mounts = [sharedModelsMount(source)];
    this.#modelsFrom = source;
    return this;
  }

  override async start(): Promise<StartedModelRunnerContainer> {
    try {
      return await this.#start();
    } catch (error) {
      throw asRunnerError(error, this.imageName.string);
    }
  }

  async #start(): Promise<StartedModelRunnerContainer> {
    if (this.#contextSize !== undefined && this.#models.length === 0) throw new RunnerError('invalid_request', 'withContextSize needs a model: call withModel(reference) too');
    const client = await getContainerRuntimeClient();
    await requireLocalImage(client, this.imageName.string);
    // Credentials are looked up on this machine, where the user's credential helpers run.
    const lookup = dockerConfigCredentials({ configDir: loadRegistryConfig().dockerConfigDir });
    const credentials = await registryCredentialsConfig(this.#models, loadRegistryConfig(this.environment).defaultRegistry, lookup);
    const owner = await imageUser(client.container.dockerode, this.imageName.string, { [TESTCONTAINERS_LABEL]: 'image-user' });
    if (this.#modelsFrom === undefined) this.withTmpFs(modelsTmpfs(owner));
    return this.#startAndProvision(client, credentials && { content: credentials, owner });
  }

  async #startAndProvision(client: ContainerRuntimeClient, credentials: OwnedContent | undefined): Promise<StartedModelRunnerContainer> {
    // A failed wait is cleaned up by Testcontainers itself; what fails after it is ours to remove.
    const started = await super.start();
    try {
      if (credentials) {
        const file = { parent: RUNNER_HOME, directory: '.docker', name: 'config.json', content: credentials.content, mode: 0o600 };
        await putOwnedFile(client.container.getById(started.getId()), file, credentials.owner);
      }
      const runner = new StartedModelRunnerContainer(started, [...this.#models]);
      await provisionModels(new RunnerClient(runner.getBaseUrl()), this.#models, this.#contextSize, new AbortController().signal);
      return runner;
    } catch (error) {
      await started.stop({ remove: true, removeVolumes: true }).catch(() => undefined);
      throw error;
    }
  }
}

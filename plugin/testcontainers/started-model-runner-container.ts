import { AbstractStartedContainer, type StartedTestContainer } from 'testcontainers';
import { RUNNER_PORT } from '../../src/docker/runner-container.js';
import { RunnerError } from '../../src/shared/errors.js';

/** A running model runner whose models are pulled and configured. */
export class StartedModelRunnerContainer extends AbstractStartedContainer {
  readonly #models: readonly string[];

  constructor(started: StartedTestContainer, models: readonly string[]) {
    super(started);
    this.#models = models;
  }

  /** The runner's DMR API, e.g. `http://localhost:32768`. */
  getBaseUrl(): string {
    return `http://${this.getHost()}:${this.getMappedPort(RUNNER_PORT)}`;
  }

  /** Where an OpenAI client points (`baseURL`); the same routes as Docker Desktop's `/engines/v1`. */
  getOpenAIEndpoint(): string {
    return `${this.getBaseUrl()}/engines/v1`;
  }

  /** The first model given to `withModel`, as given: what requests name in `model`. */
  getModel(): string {
    const [model] = this.#models;
    if (model === undefined) throw new RunnerError('invalid_request', 'no model was pulled: call withModel(reference) before start()');
    return model;
  }

  getModels(): readonly string[] {
    return this.#models;
  }
}

import { RunnerError, statusForCode, type ErrorCode } from '../shared/errors.js';
import type { DeleteAction, Model, OpenAIModelList, TagResponse } from './dmr-types.js';

function codeForStatus(status: number): ErrorCode {
  const match = Object.entries(statusForCode).find(([, candidate]) => candidate === status);
  return (match?.[0] as ErrorCode | undefined) ?? 'internal';
}

/** A typed client of the runner's HTTP API, as DMR's CLI uses it; found through MODEL_RUNNER_HOST. */
export class RunnerClient {
  readonly #base: string;

  constructor(baseUrl: string) {
    this.#base = baseUrl.replace(/\/+$/, '');
  }

  async #request(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, init);
    } catch (error) {
      throw new RunnerError('unavailable', `cannot reach the model runner at ${this.#base}: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
      const text = (await response.text()).trim();
      throw new RunnerError(codeForStatus(response.status), text || `${response.status} ${response.statusText}`);
    }
    return response;
  }

  async #json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.#request(path, init)).json()) as T;
  }

  listModels(): Promise<Model[]> {
    return this.#json('/models');
  }

  inspectModel(reference: string): Promise<Model> {
    return this.#json(`/models/${reference}`);
  }

  listOpenAIModels(): Promise<OpenAIModelList> {
    return this.#json('/engines/v1/models');
  }

  /** Streams a model archive to `/models/load`; the model arrives untagged. */
  async loadArchive(archive: ReadableStream<Uint8Array>): Promise<void> {
    const init = { method: 'POST', body: archive, headers: { 'content-type': 'application/x-tar' }, duplex: 'half' };
    await (await this.#request('/models/load', init as RequestInit)).text();
  }

  tagModel(reference: string, repo: string, tag: string): Promise<TagResponse> {
    const query = new URLSearchParams({ repo, tag });
    return this.#json(`/models/${reference}/tag?${query}`, { method: 'POST' });
  }

  deleteModel(reference: string, force = false): Promise<DeleteAction[]> {
    return this.#json(`/models/${reference}?force=${force}`, { method: 'DELETE' });
  }
}

import { RunnerError } from '../shared/errors.js';
import { responseError } from './response-error.js';
import type { DeleteAction, DiskUsage, Model, OpenAIModel, OpenAIModelList, RunningModel, TagResponse } from './dmr-types.js';

/** DMR's CLI reads a refused connection and a 503 alike: the runner is not running. */
export const NOT_RUNNING = 'Docker Model Runner is not running. Please start it and try again.';

export interface RunnerClientOptions {
  /** DMR's CLI sends `docker-model-cli/<version>`. */
  userAgent?: string;
}

/** A typed client of the runner's HTTP API, as DMR's CLI uses it. */
export class RunnerClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(baseUrl: string, options: RunnerClientOptions = {}) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#headers = options.userAgent ? { 'user-agent': options.userAgent } : {};
  }

  get baseUrl(): string {
    return this.#base;
  }

  /** A request with the client's headers; failures to connect and 503 are "not running". */
  async send(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, { ...init, headers: { ...this.#headers, ...(init.headers as Record<string, string> | undefined) } });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new RunnerError('unavailable', `${NOT_RUNNING} (${this.#base}: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message})`, { cause: error });
    }
    if (response.status === 503) {
      await response.body?.cancel();
      throw new RunnerError('unavailable', NOT_RUNNING);
    }
    return response;
  }

  async #request(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await this.send(path, init);
    if (!response.ok) throw await responseError(response);
    return response;
  }

  async #json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.#request(path, init)).json()) as T;
  }

  listModels(): Promise<Model[]> {
    return this.#json('/models');
  }

  /** `remote`: the model in its registry, without pulling it. */
  inspectModel(reference: string, remote = false): Promise<Model> {
    return this.#json(`/models/${reference}${remote ? '?remote=true' : ''}`);
  }

  listOpenAIModels(): Promise<OpenAIModelList> {
    return this.#json('/engines/v1/models');
  }

  inspectOpenAIModel(reference: string): Promise<OpenAIModel> {
    return this.#json(`/engines/v1/models/${reference}`);
  }

  /** A variant of `reference` with another context size, sharing its layers (201). */
  repackageModel(reference: string, target: string, contextSize: number): Promise<unknown> {
    return this.#json(`/models/${reference}/repackage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target, context_size: contextSize }) });
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

  version(): Promise<{ version: string }> {
    return this.#json('/version');
  }

  engineStatus(): Promise<Record<string, string>> {
    return this.#json('/engines/status');
  }

  runningModels(): Promise<RunningModel[]> {
    return this.#json('/engines/ps');
  }

  diskUsage(): Promise<DiskUsage> {
    return this.#json('/engines/df');
  }

  unload(request: { all?: boolean; models?: string[]; backend?: string }): Promise<{ unloaded_runners: number }> {
    return this.#json('/engines/unload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  }

  async purge(): Promise<void> {
    await (await this.#request('/models/purge', { method: 'DELETE' })).body?.cancel();
  }

  /** `POST /engines/_configure`: 202 when accepted; the runner's plain-text reason otherwise (409 while serving). */
  async configure(request: Record<string, unknown>): Promise<void> {
    await (await this.#request('/engines/_configure', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })).body?.cancel();
  }

  /**
   * `GET /engines/requests`: the recorded requests as a JSON body, or, following, as server-sent
   * events until the signal aborts (`includeExisting`: the stored ones first).
   */
  requests(options: { model?: string; follow?: boolean; includeExisting?: boolean; signal?: AbortSignal } = {}): Promise<Response> {
    const query = new URLSearchParams();
    if (options.model) query.set('model', options.model);
    if (options.follow && options.includeExisting) query.set('include_existing', 'true');
    const headers: Record<string, string> = options.follow ? { accept: 'text/event-stream', 'cache-control': 'no-cache' } : { accept: 'application/json' };
    return this.#request(`/engines/requests${query.size > 0 ? `?${query}` : ''}`, { headers, ...(options.signal ? { signal: options.signal } : {}) });
  }

  configuration(model?: string): Promise<unknown> {
    return this.#json(`/engines/_configure${model ? `?model=${encodeURIComponent(model)}` : ''}`);
  }
}

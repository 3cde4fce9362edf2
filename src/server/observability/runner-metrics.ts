import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ProgressMode } from '../../distribution/progress-reporter.js';
import type { TransferMeter } from '../../distribution/transfer-meter.js';
import type { EngineMode } from '../../engine/engine.js';

/** One (model, mode) as DMR labels a runner's metrics; the model as the client named it. */
export interface InferenceLabels {
  model: string;
  mode: EngineMode;
}

/** DMR's `backend` label; this runner has one engine. */
const BACKEND = 'llama.cpp';

const SECONDS_TO_FIRST_TOKEN = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const SECONDS_PER_REQUEST = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

type InferenceLabel = 'backend' | 'model' | 'mode';

/**
 * The runner's Prometheus metrics, on the registry it is given (never prom-client's global one,
 * so two apps in one process keep theirs apart). prom-client's default process metrics are not
 * collected: some of them fail promtool's lint.
 */
export class RunnerMetrics implements TransferMeter {
  readonly #requests: Counter<InferenceLabel | 'status'>;
  readonly #promptTokens: Counter<InferenceLabel>;
  readonly #completionTokens: Counter<InferenceLabel>;
  readonly #firstToken: Histogram<InferenceLabel>;
  readonly #duration: Histogram<InferenceLabel>;
  readonly #transferBytes: Record<ProgressMode, Counter<'model'>>;
  readonly #transferFailures: Record<ProgressMode, Counter<'model'>>;
  readonly #http: Histogram<'method' | 'route' | 'status'>;

  /** `openStreams`: for each kind of long-lived stream (`requests`, `logs`), how many clients follow one now. */
  constructor(
    readonly registry: Registry,
    openStreams: Readonly<Record<string, () => number>>,
  ) {
    const registers = [registry];
    const inference = ['backend', 'model', 'mode'] as const;
    this.#requests = new Counter({ name: 'model_runner_requests_total', help: 'Inference requests answered, by HTTP status', labelNames: [...inference, 'status'], registers });
    this.#promptTokens = new Counter({ name: 'model_runner_prompt_tokens_total', help: 'Prompt tokens evaluated', labelNames: inference, registers });
    this.#completionTokens = new Counter({ name: 'model_runner_completion_tokens_total', help: 'Tokens generated', labelNames: inference, registers });
    this.#firstToken = new Histogram({ name: 'model_runner_time_to_first_token_seconds', help: 'Time from a generation request, once read, to its first token: loading the model and waiting for a slot included', labelNames: inference, buckets: SECONDS_TO_FIRST_TOKEN, registers });
    this.#duration = new Histogram({ name: 'model_runner_request_duration_seconds', help: 'Inference request time, until the last byte of the answer', labelNames: inference, buckets: SECONDS_PER_REQUEST, registers });
    const transfer = (mode: ProgressMode) => ({
      bytes: new Counter({ name: `model_runner_${mode}_bytes_total`, help: `Bytes ${mode === 'pull' ? 'downloaded by pulls' : 'uploaded by pushes'}`, labelNames: ['model'], registers }),
      failures: new Counter({ name: `model_runner_${mode}_failures_total`, help: `${mode === 'pull' ? 'Pulls' : 'Pushes'} that failed`, labelNames: ['model'], registers }),
    });
    const pull = transfer('pull');
    const push = transfer('push');
    this.#transferBytes = { pull: pull.bytes, push: push.bytes };
    this.#transferFailures = { pull: pull.failures, push: push.failures };
    this.#http = new Histogram({ name: 'model_runner_http_request_duration_seconds', help: 'HTTP request time by route pattern, until the last byte of the answer', labelNames: ['method', 'route', 'status'], registers });
    new Gauge({
      name: 'model_runner_open_streams',
      help: 'Clients following a stream now: recorded requests (requests) or logs (logs)',
      labelNames: ['stream'],
      registers,
      collect() {
        for (const [stream, count] of Object.entries(openStreams)) this.set({ stream }, count());
      },
    });
  }

  #labels(labels: InferenceLabels): Record<InferenceLabel, string> {
    return { backend: BACKEND, model: labels.model, mode: labels.mode };
  }

  request(labels: InferenceLabels, status: number, seconds: number): void {
    this.#requests.inc({ ...this.#labels(labels), status: String(status) });
    this.#duration.observe(this.#labels(labels), seconds);
  }

  tokens(labels: InferenceLabels, prompt: number, completion: number): void {
    this.#promptTokens.inc(this.#labels(labels), prompt);
    this.#completionTokens.inc(this.#labels(labels), completion);
  }

  firstToken(labels: InferenceLabels, seconds: number): void {
    this.#firstToken.observe(this.#labels(labels), seconds);
  }

  http(method: string, route: string, status: number, seconds: number): void {
    this.#http.observe({ method, route, status: String(status) }, seconds);
  }

  transferred(mode: ProgressMode, model: string, bytes: number): void {
    this.#transferBytes[mode].inc({ model }, bytes);
  }

  failed(mode: ProgressMode, model: string): void {
    this.#transferFailures[mode].inc({ model });
  }
}

import type Docker from 'dockerode';
import type { Logger } from '../shared/logger.js';
import { textLines } from '../shared/text-lines.js';
import { RUNNER_ALIAS } from '../shared/runner-host.js';
import { COMPOSE_NETWORK_LABEL, COMPOSE_PROJECT_LABEL, JOIN_OPT_OUT_LABEL } from './runner-container.js';

/** The container events the joiner acts on, as the Engine API's `/events` sends them. */
interface ContainerEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** Signals that stop a container: `docker stop` and `compose down` send TERM, then KILL. */
const STOPPING_SIGNALS = new Set(['15', '9', '2', 'SIGTERM', 'SIGKILL', 'SIGINT']);
const RECONNECT_MS = 1_000;

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/**
 * Keeps one container (the alias relay) on every Compose project network, with the alias
 * `model-runner.docker.internal`, so services reach the runner by the name Docker Desktop gives
 * it. It joins when a project's container is created or started (before the service's first
 * request, which needs the name) and leaves as soon as the project's last running container is
 * being stopped, so that `compose down` can remove the network right after.
 */
export class ComposeNetworkJoiner {
  /**
   * Per joined network id, the project containers using it, as the events told. Kept here so that
   * leaving takes one call when the last one stops: `compose down` removes the network right after.
   */
  readonly #members = new Map<string, Set<string>>();
  #events: NodeJS.ReadableStream | undefined;
  #closed = false;
  #work: Promise<void> = Promise.resolve();

  constructor(
    private readonly docker: Docker,
    /** The id of the container that joins. */
    private readonly self: string,
    private readonly log: Logger,
  ) {}

  /** Joins the networks of running project containers, then follows the daemon's events. */
  async start(): Promise<void> {
    await this.#joinRunningProjects();
    await this.#follow();
  }

  /** Stops following events; the networks joined stay joined until the projects stop. */
  close(): void {
    this.#closed = true;
    (this.#events as { destroy?: () => void } | undefined)?.destroy?.();
  }

  /** Resolves once every event received so far has been acted on. */
  settled(): Promise<void> {
    return this.#work;
  }

  async #joinRunningProjects(): Promise<void> {
    const running = await this.docker.listContainers({ filters: { label: [COMPOSE_PROJECT_LABEL] } });
    for (const container of running) await this.#joinNetworksOf(container.Id);
  }

  async #follow(): Promise<void> {
    const events = await this.docker.getEvents({ filters: { type: ['container'], event: ['create', 'start', 'kill', 'die', 'destroy'] } });
    this.#events = events;
    void (async () => {
      for await (const line of textLines(events as AsyncIterable<Uint8Array>)) if (line.trim()) this.#queue(JSON.parse(line) as ContainerEvent);
    })()
      .catch((error: unknown) => this.log.debug({ err: error }, 'the Docker event stream ended'))
      .finally(() => {
        // The daemon restarted or dropped the stream: catch up on what changed meanwhile, then follow again.
        if (this.#closed) return;
        this.log.warn('lost the Docker event stream; reconnecting');
        setTimeout(() => this.#queueTask(() => this.start()), RECONNECT_MS);
      });
  }

  /** Events are handled one at a time, in order: a join and a leave for one network never interleave. */
  #queue(event: ContainerEvent): void {
    const id = event.Actor?.ID ?? event.id;
    if (!id || id === this.self || event.Actor?.Attributes?.[COMPOSE_PROJECT_LABEL] === undefined) return;
    this.#queueTask(() => this.#handle(event.Action ?? '', id, event.Actor?.Attributes ?? {}));
  }

  #queueTask(task: () => Promise<void>): void {
    this.#work = this.#work.then(task).catch((error: unknown) => this.log.warn({ err: error }, 'joining or leaving a Compose network failed'));
  }

  async #handle(action: string, id: string, attributes: Record<string, string>): Promise<void> {
    if (action === 'create' || action === 'start') return this.#joinNetworksOf(id);
    if (action === 'kill' && !STOPPING_SIGNALS.has(attributes.signal ?? '')) return;
    await this.#leave(id);
  }

  async #joinNetworksOf(id: string): Promise<void> {
    const container = await this.docker.getContainer(id).inspect().catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined;
      throw error;
    });
    for (const name of Object.keys(container?.NetworkSettings.Networks ?? {})) {
      const network = await this.docker.getNetwork(name).inspect().catch(() => undefined);
      if (!network || !this.#isProjectNetwork(network.Labels ?? {})) continue;
      const members = this.#members.get(network.Id) ?? new Set<string>();
      this.#members.set(network.Id, members.add(id));
      if (network.Containers?.[this.self]) continue;
      await this.docker.getNetwork(network.Id).connect({ Container: this.self, EndpointConfig: { Aliases: [RUNNER_ALIAS] } }).then(
        () => this.log.info({ network: network.Name }, 'joined Compose network as model-runner.docker.internal'),
        (error: unknown) => {
          // Joined meanwhile (a restart of this relay, or a second event for the same network).
          if (!/already exists|already attached/i.test(String((error as Error).message))) throw error;
        },
      );
    }
  }

  #isProjectNetwork(labels: Record<string, string>): boolean {
    return labels[COMPOSE_NETWORK_LABEL] !== undefined && labels[JOIN_OPT_OUT_LABEL] !== 'false';
  }

  /** `id` is stopping or gone: leaves each network it was the last project container on. */
  async #leave(id: string): Promise<void> {
    for (const [network, members] of this.#members) {
      if (!members.delete(id) || members.size > 0) continue;
      this.#members.delete(network);
      await this.docker.getNetwork(network).disconnect({ Container: this.self, Force: true }).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
      this.log.info({ network }, 'left Compose network: its last container stopped');
    }
  }
}

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Engine, EngineLoadOptions } from '../engine/engine.js';
import { isRunnerError } from '../shared/errors.js';
import { Scheduler } from './scheduler.js';
import type { Lease, ModelTarget, SchedulerSettings } from './scheduler-types.js';

class FakeEngine implements Engine {
  readonly info = { contextSize: 1024, embeddingLength: 8, gpu: 'cpu', parallel: 2 };
  readonly pid = 1;
  closed = false;
  #exit: () => void = () => undefined;
  readonly exited = new Promise<void>((resolve) => (this.#exit = resolve));

  constructor(readonly options: EngineLoadOptions) {}

  async *generate() {
    yield { delta: 'x' };
  }

  async embed() {
    return { vectors: [], promptTokens: 0 };
  }

  async tokenize() {
    return [];
  }

  crash(): void {
    this.#exit();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.#exit();
  }
}

function setup(overrides: Partial<SchedulerSettings> = {}, freeMemory = () => 64 * 2 ** 30) {
  const started: FakeEngine[] = [];
  const scheduler = new Scheduler({
    startEngine: async (options) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const engine = new FakeEngine(options);
      started.push(engine);
      return engine;
    },
    settings: { maxModels: 2, parallel: 2, maxQueue: 1, defaultKeepAliveMs: 60_000, gpu: 'off', threads: 0, ...overrides },
    log: pino({ level: 'silent' }),
    freeMemory,
  });
  return { scheduler, started };
}

const model = (id: string): ModelTarget => ({
  id,
  name: `ai/${id}`,
  modelPath: `/models/${id}.gguf`,
  chatTemplatePath: undefined,
  contextSize: 0,
  weightsBytes: 1_000_000,
  gguf: {},
});

const signal = new AbortController().signal;

describe('Scheduler', () => {
  it('starts one engine for concurrent first requests and shares it', async () => {
    const { scheduler, started } = setup();
    const leases = await Promise.all([scheduler.acquire(model('a'), 'completion', signal), scheduler.acquire(model('a'), 'completion', signal)]);
    expect(started).toHaveLength(1);
    expect(leases[0]!.engine).toBe(leases[1]!.engine);
    expect(scheduler.ps()).toEqual([expect.objectContaining({ model_name: 'ai/a', mode: 'completion', in_use: true, keep_alive: '1m0s' })]);
  });

  it('runs completion and embedding of one model as separate engines', async () => {
    const { scheduler, started } = setup();
    await scheduler.acquire(model('a'), 'completion', signal);
    await scheduler.acquire(model('a'), 'embedding', signal);
    expect(started.map((engine) => engine.options.mode)).toEqual(['completion', 'embedding']);
  });

  it('grants slots first come, first served to 32 requests, whether they came during the load or while all slots were busy', async () => {
    const { scheduler } = setup({ parallel: 8, maxQueue: 32 });
    const granted: number[] = [];
    const leases = new Map<number, Lease>();
    const arrive = (client: number) =>
      scheduler.acquire(model('a'), 'completion', signal).then((lease) => {
        granted.push(client);
        leases.set(client, lease);
      });
    // 16 arrive before the engine has loaded, 16 more once all 8 slots are taken.
    const waiting = Array.from({ length: 16 }, (_, client) => arrive(client));
    await new Promise((resolve) => setTimeout(resolve, 30));
    waiting.push(...Array.from({ length: 16 }, (_, i) => arrive(16 + i)));
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Slots free in an order unrelated to arrival; each goes to the longest waiter.
    for (const client of [5, 0, 7, 2, 9, 1, 3, 4, 6, 8, 12, 10, 11, 15, 13, 14, 17, 16, 19, 18, 20, 23, 21, 22]) {
      leases.get(client)!.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(waiting);
    expect(granted).toEqual(Array.from({ length: 32 }, (_, client) => client));
  });

  it('refuses requests beyond the running slots and the queue with 503', async () => {
    const { scheduler } = setup({ parallel: 1, maxQueue: 1 });
    const first = await scheduler.acquire(model('a'), 'completion', signal);
    const queued = scheduler.acquire(model('a'), 'completion', signal);
    const refused = await scheduler.acquire(model('a'), 'completion', signal).catch((error: unknown) => error);
    expect(isRunnerError(refused, 'unavailable')).toBe(true);
    first.release();
    (await queued).release();
  });

  it('unloads an idle engine after its keep-alive', async () => {
    const { scheduler, started } = setup({ defaultKeepAliveMs: 30 });
    (await scheduler.acquire(model('a'), 'completion', signal)).release();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(started[0]!.closed).toBe(true);
    expect(scheduler.ps()).toEqual([]);
  });

  it('unloads at once with keep-alive 0 and never with a negative one', async () => {
    const { scheduler, started } = setup({ defaultKeepAliveMs: 0 });
    (await scheduler.acquire(model('a'), 'completion', signal)).release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(started[0]!.closed).toBe(true);
    await scheduler.configure({ modelId: 'b', modelName: 'ai/b', mode: 'completion', config: { keepAliveMs: -1 } });
    (await scheduler.acquire(model('b'), 'completion', signal)).release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started[1]!.closed).toBe(false);
  });

  it('evicts the least recently used idle engine when a new model needs its slot, never a busy one', async () => {
    const { scheduler, started } = setup({ maxModels: 2 });
    const a = await scheduler.acquire(model('a'), 'completion', signal);
    (await scheduler.acquire(model('b'), 'completion', signal)).release();
    await scheduler.acquire(model('c'), 'completion', signal);
    expect(started.map((engine) => [engine.options.name, engine.closed])).toEqual([
      ['ai/a', false],
      ['ai/b', true],
      ['ai/c', false],
    ]);
    const refused = await scheduler.acquire(model('d'), 'completion', signal).catch((error: unknown) => error);
    expect(isRunnerError(refused, 'unavailable')).toBe(true);
    expect((refused as Error).message).toContain('all are busy');
    a.release();
  });

  it('waits for a model that is still loading to take its slot once idle, instead of refusing', async () => {
    const { scheduler, started } = setup({ maxModels: 1 });
    const preloading = scheduler.preload(model('a'), 'completion');
    const lease = await scheduler.acquire(model('b'), 'completion', signal);
    await preloading;
    expect(started.map((engine) => [engine.options.name, engine.closed])).toEqual([
      ['ai/a', true],
      ['ai/b', false],
    ]);
    lease.release();
  });

  it('refuses when the model still loading is taken by its own requests', async () => {
    const { scheduler } = setup({ maxModels: 1 });
    const busy = scheduler.acquire(model('a'), 'completion', signal);
    const refused = await scheduler.acquire(model('b'), 'completion', signal).catch((error: unknown) => error);
    expect(isRunnerError(refused, 'unavailable')).toBe(true);
    (await busy).release();
  });

  it('evicts idle engines to make memory room and refuses when none can be freed', async () => {
    let free = 3_000_000_000;
    const { scheduler, started } = setup({ maxModels: 8 }, () => free);
    (await scheduler.acquire(model('a'), 'completion', signal)).release();
    free = 0;
    const refused = await scheduler.acquire(model('b'), 'completion', signal).catch((error: unknown) => error);
    expect(started[0]!.closed).toBe(true);
    expect((refused as Error).message).toMatch(/needs about \d+ MiB/);
  });

  it('starts a fresh engine after one crashed', async () => {
    const { scheduler, started } = setup();
    (await scheduler.acquire(model('a'), 'completion', signal)).release();
    started[0]!.crash();
    await new Promise((resolve) => setTimeout(resolve, 1));
    const lease = await scheduler.acquire(model('a'), 'completion', signal);
    expect(started).toHaveLength(2);
    expect(lease.engine).toBe(started[1]);
  });

  it('refuses to reconfigure a busy engine and replaces an idle one', async () => {
    const { scheduler, started } = setup();
    const lease = await scheduler.acquire(model('a'), 'completion', signal);
    const config = { modelId: 'a', modelName: 'ai/a', mode: 'completion' as const, config: { contextSize: 512 } };
    expect(isRunnerError(await scheduler.configure(config).catch((error: unknown) => error), 'conflict')).toBe(true);
    lease.release();
    await scheduler.configure(config);
    expect(started[0]!.closed).toBe(true);
    await scheduler.acquire(model('a'), 'completion', signal);
    expect(started[1]!.options.contextSize).toBe(512);
  });

  it('unloads only idle engines', async () => {
    const { scheduler } = setup();
    const busy = await scheduler.acquire(model('a'), 'completion', signal);
    (await scheduler.acquire(model('b'), 'completion', signal)).release();
    expect(await scheduler.unload(() => true)).toBe(1);
    expect(scheduler.ps().map((row) => row.model_name)).toEqual(['ai/a']);
    busy.release();
  });
});

describe('Scheduler.preload', () => {
  it('loads without taking a slot, then unloads after the keep-alive', async () => {
    const { scheduler, started } = setup({ parallel: 1, maxQueue: 0, defaultKeepAliveMs: 40 });
    await scheduler.preload(model('a'), 'completion');
    const lease = await scheduler.acquire(model('a'), 'completion', signal);
    expect(started).toHaveLength(1);
    lease.release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started[0]!.closed).toBe(true);
  });
});

describe('Scheduler: clients that leave hold no slot', () => {
  const departed = () => {
    const controller = new AbortController();
    controller.abort('Client connection prematurely closed.');
    return controller.signal;
  };

  /** Whether one more request gets a slot at once, i.e. nothing leaked. */
  async function slotFree(scheduler: Scheduler, target = model('a')): Promise<boolean> {
    const probe = new AbortController();
    const timer = setTimeout(() => probe.abort(), 50);
    const lease = await scheduler.acquire(target, 'completion', probe.signal).catch(() => undefined);
    clearTimeout(timer);
    lease?.release();
    return lease !== undefined;
  }

  /** One slot, taken; behind it a request whose client is about to leave. */
  async function oneRunningOneQueued() {
    const { scheduler } = setup({ parallel: 1, maxQueue: 1 });
    const running = await scheduler.acquire(model('a'), 'completion', signal);
    const leaving = new AbortController();
    const queued = scheduler.acquire(model('a'), 'completion', leaving.signal);
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { scheduler, running, leaving, queued };
  }

  it('refuses a request whose client already left, with an Error, before taking a slot', async () => {
    const { scheduler } = setup({ parallel: 1 });
    const refused = await scheduler.acquire(model('a'), 'completion', departed()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(await slotFree(scheduler)).toBe(true);
  });

  it('drops a client that leaves while its worker loads', async () => {
    const { scheduler } = setup({ parallel: 1 });
    const leaving = new AbortController();
    const waiting = scheduler.acquire(model('a'), 'completion', leaving.signal);
    leaving.abort();
    await expect(waiting).rejects.toBeInstanceOf(Error);
    expect(await slotFree(scheduler)).toBe(true);
    expect(scheduler.ps()).toEqual([expect.not.objectContaining({ in_use: true })]);
  });

  it('takes a client that leaves while queued out of the queue', async () => {
    const { scheduler, running, leaving, queued } = await oneRunningOneQueued();
    leaving.abort();
    await expect(queued).rejects.toBeInstanceOf(Error);
    running.release();
    expect(await slotFree(scheduler)).toBe(true);
  });

  it('passes on a slot granted to a client that left in the same tick', async () => {
    const { scheduler, running, leaving, queued } = await oneRunningOneQueued();
    running.release();
    leaving.abort();
    await expect(queued).rejects.toBeInstanceOf(Error);
    expect(await slotFree(scheduler)).toBe(true);
    expect(scheduler.ps()).toEqual([expect.not.objectContaining({ in_use: true })]);
  });

  it('fails the queue of a worker that died and frees the slots of its leases', async () => {
    const { scheduler, started } = setup({ parallel: 1, maxQueue: 1 });
    const running = await scheduler.acquire(model('a'), 'completion', signal);
    const queued = scheduler.acquire(model('a'), 'completion', signal);
    await new Promise((resolve) => setTimeout(resolve, 1));
    started[0]!.crash();
    await expect(queued).rejects.toThrow(/stopped/);
    running.release();
    expect(await slotFree(scheduler)).toBe(true);
    expect(started).toHaveLength(2);
  });

  it('serves a request that arrived as its worker died on a fresh worker', async () => {
    const { scheduler, started } = setup({ parallel: 1, maxQueue: 1 });
    const running = await scheduler.acquire(model('a'), 'completion', signal);
    const arriving = scheduler.acquire(model('a'), 'completion', signal);
    started[0]!.crash();
    expect((await arriving).engine).toBe(started[1]);
    running.release();
  });
});

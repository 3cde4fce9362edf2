import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { RunnerClient } from '../src/api/runner-client.js';
import { buildModelArtifact } from '../src/distribution/build-model-artifact.js';
import { packModelArchive } from '../src/distribution/model-tar.js';
import { packageInfo } from '../src/shared/package-root.js';
import { residentMiB } from '../test/helpers/process-memory.js';

/** Runs one of the build scripts, which print what they built on their last line of stdout. */
export async function built(script: string, what: string): Promise<string> {
  process.stderr.write(`building ${what} from the bundled llama.cpp source if needed (minutes the first time)\n`);
  const { stdout } = await promisify(execFile)(join(packageInfo().root, 'scripts', script), { maxBuffer: 64 * 2 ** 20 });
  return stdout.trim().split('\n').at(-1) ?? '';
}

/** Runs `work` against a started server and stops it whatever happens. */
export async function using<T>(server: BenchServer, work: (server: BenchServer) => Promise<T>): Promise<T> {
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

export interface BenchServer {
  name: string;
  baseUrl: string;
  /**
   * Where its cold start begins: llama-server's process spawn (performance.now()); undefined for
   * ours, whose model loads on the first request.
   */
  spawnedAt: number | undefined;
  /** Peak resident memory of each process, in MiB, as the kernel recorded it. */
  peakRssMiB(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const peakRss = (pid: number) => Math.round(residentMiB(pid, 'VmHWM'));

async function childPids(pid: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)('pgrep', ['-P', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

function stopper(child: ChildProcess, cleanup: () => Promise<void> = async () => undefined): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await cleanup();
  };
}

export async function startOurRunner(entry: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'runner listening' && entry.port) resolve(entry.port);
    });
    child.once('exit', (code) => reject(new Error(`runner exited with ${code}`)));
  });
  return { child, port };
}

export interface OurRunnerOptions {
  entry: string;
  threads: number;
  parallel: number;
  /** Models to store before it serves, as reference -> GGUF path and context size. */
  models: Record<string, { ggufPath: string; contextSize: number }>;
}

/** Our runner on a fresh store holding the given models, none of them loaded yet. */
export async function startOurServer(options: OurRunnerOptions): Promise<BenchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-runner-'));
  const env = { MODEL_RUNNER_PORT: '0', MODEL_RUNNER_SOCK: '', MODELS_PATH: dir, MODEL_RUNNER_PARALLEL: String(options.parallel), MODEL_RUNNER_THREADS: String(options.threads), LOG_LEVEL: 'info' };
  const { child, port } = await startOurRunner(options.entry, env);
  const client = new RunnerClient(`http://127.0.0.1:${port}`);
  for (const [reference, model] of Object.entries(options.models)) {
    const artifact = await buildModelArtifact(model);
    await client.loadArchive(Readable.toWeb(Readable.from(packModelArchive(artifact.blobs, artifact.manifest))) as ReadableStream<Uint8Array>);
    const [repo, tag] = reference.split(':');
    await client.tagModel(artifact.id, repo!, tag ?? 'latest');
  }
  return {
    name: 'ours',
    baseUrl: `http://127.0.0.1:${port}/engines/v1`,
    spawnedAt: undefined,
    async peakRssMiB() {
      const workers = await childPids(child.pid!);
      return { runner: peakRss(child.pid!), worker: workers.reduce((sum, pid) => sum + peakRss(pid), 0) };
    },
    stop: stopper(child, () => rm(dir, { recursive: true, force: true })),
  };
}

export interface LlamaServerOptions {
  binary: string;
  model: string;
  port: number;
  threads: number;
  extraArgs: string[];
}

/** llama-server, answered once `/health` says 200; polled every 5 ms so its start time is not rounded up much. */
export async function startLlamaServer(options: LlamaServerOptions): Promise<BenchServer> {
  const args = ['-m', options.model, '--host', '127.0.0.1', '--port', String(options.port), '-t', String(options.threads), '-tb', String(options.threads), '--no-webui', ...options.extraArgs];
  const spawnedAt = performance.now();
  const child = spawn(options.binary, args, { stdio: 'ignore' });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}`);
    if ((await fetch(`${baseUrl}/health`).then((response) => response.status, () => 0)) === 200) break;
    if (performance.now() - spawnedAt > 120_000) throw new Error('llama-server did not become healthy');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { name: 'llama-server', baseUrl: `${baseUrl}/v1`, spawnedAt, peakRssMiB: async () => ({ server: peakRss(child.pid!) }), stop: stopper(child) };
}

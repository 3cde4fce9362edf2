import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { residentMiB } from '../test/helpers/process-memory.js';

export interface BenchServer {
  name: string;
  baseUrl: string;
  /** Peak resident memory of each process, in MiB, as the kernel recorded it. */
  peakRssMiB(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const peakRss = (pid: number) => Math.round(residentMiB(pid, 'VmHWM'));

async function childPids(pid: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)('pgrep', ['-P', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
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

export function ourRunner(child: ChildProcess, port: number): BenchServer {
  return {
    name: 'model-runner',
    baseUrl: `http://127.0.0.1:${port}/engines/v1`,
    async peakRssMiB() {
      const workers = await childPids(child.pid!);
      return { runner: peakRss(child.pid!), worker: workers.reduce((sum, pid) => sum + peakRss(pid), 0) };
    },
    stop: stopper(child),
  };
}

export async function startLlamaServer(binary: string, model: string, options: { port: number; threads: number; parallel: number; contextPerSlot: number }): Promise<BenchServer> {
  const args = ['-m', model, '--host', '127.0.0.1', '--port', String(options.port), '-t', String(options.threads), '-tb', String(options.threads)];
  args.push('--parallel', String(options.parallel), '-c', String(options.contextPerSlot * options.parallel), '--no-webui');
  const child = spawn(binary, args, { stdio: 'ignore' });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  for (let waited = 0; ; waited += 200) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}`);
    if ((await fetch(`${baseUrl}/health`).then((response) => response.status, () => 0)) === 200) break;
    if (waited > 120_000) throw new Error('llama-server did not become healthy');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name: 'llama-server', baseUrl: `${baseUrl}/v1`, peakRssMiB: async () => ({ server: peakRss(child.pid!) }), stop: stopper(child) };
}

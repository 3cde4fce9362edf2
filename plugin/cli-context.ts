import type { ClientConfig } from '../src/config.js';
import type { InstallOptions, RunnerInstaller } from '../src/docker/runner-installer.js';
import type { RunnerConnection } from './runner-connection.js';

export interface RunnerLookup {
  /** Keep an auto-install's progress off stderr, for output that programs read whole. */
  quiet?: boolean;
  /** False: only find a running runner, never install one (DMR's `version`). */
  install?: boolean;
}

/** What every command is given: its streams, settings, and the runner and daemon found lazily. */
export interface CliContext {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  config: ClientConfig;
  /** The plugin's version as the docker CLI and Compose read it. */
  version: string;
  /** The runner, found (or auto-installed) on first use, then the same for the command's life. */
  runner(options?: RunnerLookup): Promise<RunnerConnection>;
  /** The Docker daemon's runner installer, connected on first use. */
  installer(): Promise<RunnerInstaller>;
  /** install-runner's defaults, with the given flags on top. */
  installOptions(overrides?: Partial<InstallOptions>): InstallOptions;
}

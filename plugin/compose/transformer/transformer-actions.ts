import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { isRunnerError } from '../../../src/shared/errors.js';
import type { CliContext } from '../../cli-context.js';
import { provisionModels } from '../provision-models.js';
import { composeArguments, globalOption } from './compose-args.js';
import type { ComposeSource } from '../../../src/compose/compose-document.js';
import { composeFilePaths, projectDirectory, STDIN, STDIN_NAME } from './compose-files.js';
import { findCompose, INTERRUPTED, type CommandRunner } from './compose-process.js';
import { containerEndpoint } from './container-endpoint.js';
import { projectLookup } from './project-environment.js';
import { loadProject, transformedSources, type ComposeProject } from '../../../src/compose/transform-project.js';

export interface TransformerDeps {
  cwd: string;
  exists(path: string): boolean;
  readFile(path: string): Promise<string>;
  /** Compose itself, in the foreground. */
  run: CommandRunner;
  /** Quiet probes (is `docker compose` there?). */
  probe: CommandRunner;
}

/** Commands that create containers: the models must be ready before them. */
const CREATING = new Set(['up', 'run', 'create']);

interface Loaded {
  project: ComposeProject;
  projectDir: string;
  lookup: (name: string) => string | undefined;
}

async function load(context: CliContext, files: readonly string[], globals: readonly string[], deps: TransformerDeps): Promise<Loaded> {
  const paths = composeFilePaths(files, { cwd: deps.cwd, env: context.env, exists: deps.exists });
  const projectDir = resolve(deps.cwd, globalOption(globals, ['--project-directory']) ?? projectDirectory(paths, deps.cwd));
  const lookup = await projectLookup({ projectDir, cwd: deps.cwd, envFile: globalOption(globals, ['--env-file']), env: context.env });
  const sources = await Promise.all(
    paths.map(async (path): Promise<ComposeSource> => (path === STDIN ? { path: STDIN_NAME, text: await text(context.stdin) } : { path, text: await deps.readFile(path) })),
  );
  return { project: loadProject(sources, lookup), projectDir, lookup };
}

/** Where services reach the runner; only commands that create containers may install one. */
async function endpointFor(context: CliContext, creating: boolean): Promise<string> {
  const runner = creating ? await context.runner() : await context.runner({ quiet: true, install: false }).catch(() => undefined);
  return containerEndpoint(runner);
}

/**
 * Pulls what is missing and configures every model, as Compose v2 does before it creates a
 * container. A model that is loading or serving (a project already up) keeps its settings: the
 * runner refuses to reconfigure it then, and the project can still use it.
 */
async function provision(context: CliContext, project: ComposeProject): Promise<void> {
  const info = (line: string) => void context.err.write(`${line}\n`);
  for (const { models, settings } of project.plan.provisions) {
    await provisionModels(context, models, settings, info).catch((error: unknown) => {
      if (!isRunnerError(error, 'conflict')) throw error;
      info(`${models.join(', ')} is in use: its settings stay as they are (${error.message})`);
    });
  }
}

async function writeSources(dir: string, sources: readonly ComposeSource[]): Promise<string[]> {
  return Promise.all(
    sources.map(async (source, index) => {
      const path = join(dir, `${index}-${basename(source.path)}`);
      await writeFile(path, source.text);
      return path;
    }),
  );
}

/** Compose 1.29 knows no top-level `name`: it goes on the command line unless the user chose a name. */
function nameOption(loaded: Loaded, globals: readonly string[]): string[] {
  const chosen = globalOption(globals, ['-p', '--project-name']) ?? loaded.lookup('COMPOSE_PROJECT_NAME');
  return loaded.project.name && !chosen ? ['-p', loaded.project.name] : [];
}

export interface TransformerRequest {
  files: string[];
  /** What followed `--`: Compose's own options and command. */
  args: string[];
  /** The command when `args` names none: `up` for `compose up`, `down` for `compose down`. */
  defaultCommand: 'up' | 'down';
}

/**
 * `docker model compose up|down [-f FILE]… [-- ARGS…]`: the project run by whichever Compose is
 * installed, models and all. Everything that can fail on bad input fails before Compose starts;
 * an `up` that fails once started is taken down again, so no half-up project is left behind.
 */
export async function composeWithModels(context: CliContext, request: TransformerRequest, deps: TransformerDeps): Promise<void> {
  const { globals, command } = composeArguments(request.args, request.defaultCommand);
  const loaded = await load(context, request.files, globals, deps);
  const compose = await findCompose(context.config.compose, deps.probe);
  const creating = CREATING.has(command[0]!);
  const endpoint = await endpointFor(context, creating);
  if (creating) await provision(context, loaded.project);
  const dir = await mkdtemp(join(tmpdir(), 'docker-model-compose-'));
  try {
    const files = await writeSources(dir, transformedSources(loaded.project, endpoint));
    const directory = globalOption(globals, ['--project-directory']) === undefined ? ['--project-directory', loaded.projectDir] : [];
    const base = [...compose, ...directory, ...files.flatMap((file) => ['-f', file]), ...nameOption(loaded, globals), ...globals];
    const code = await deps.run([...base, ...command]);
    if (code !== 0 && code !== INTERRUPTED && command[0] === 'up') {
      context.err.write(`compose up failed (exit status ${code}): taking the project down\n`);
      await deps.run([...base, 'down']);
    }
    process.exitCode = code;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `docker model compose config [-f FILE]…`: the files as the transformer hands them to Compose. */
export async function printTransformed(context: CliContext, files: readonly string[], deps: TransformerDeps): Promise<void> {
  const { project } = await load(context, files, [], deps);
  const sources = transformedSources(project, await endpointFor(context, false));
  const single = sources.length === 1;
  context.out.write(sources.map((source) => (single ? source.text : `# ${source.path}\n${source.text}`)).join('---\n'));
}

import { isAbsolute } from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import type { RunnerClient } from '../../src/api/runner-client.js';
import { buildModelArtifact, type ModelArtifact } from '../../src/distribution/build-model-artifact.js';
import { packModelArchive } from '../../src/distribution/model-tar.js';
import { mebibytes } from '../../src/distribution/progress-reporter.js';
import { preparePush, pushTarget } from '../../src/distribution/push-model.js';
import type { RegistryClient } from '../../src/distribution/registry-client.js';
import { RunnerError } from '../../src/shared/errors.js';
import { parseManifest } from '../../src/store/model-artifact.js';

export interface PackageDeps {
  runner: () => Promise<RunnerClient>;
  registry: RegistryClient;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

interface PackageFlags {
  gguf?: string;
  from?: string;
  license: string[];
  chatTemplate?: string;
  contextSize?: string;
  push?: boolean;
}

function splitTarget(target: string): { repo: string; tag: string } {
  const colon = target.lastIndexOf(':');
  if (colon > target.lastIndexOf('/')) return { repo: target.slice(0, colon), tag: target.slice(colon + 1) || 'latest' };
  return { repo: target, tag: 'latest' };
}

function parseContextSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size <= 0) throw new RunnerError('invalid_request', `--context-size must be a positive integer, got "${value}"`);
  return size;
}

function printProgress(out: NodeJS.WritableStream, message: ProgressMessage): void {
  if (message.layer.current === message.layer.size) out.write(`Pushed ${message.layer.id ?? 'layer'} (${mebibytes(message.layer.size)} MB)\n`);
}

/** `--push`: the artifact goes from these files to the registry, as DMR's CLI does it, never through the runner. */
async function pushArtifact(artifact: ModelArtifact, target: string, { registry, out }: PackageDeps): Promise<void> {
  const opens = new Map(artifact.blobs.map((blob) => [blob.digest, blob.open]));
  const source = {
    manifestBytes: artifact.manifest,
    manifest: parseManifest(artifact.manifest),
    open: (digest: string) => {
      const open = opens.get(digest);
      if (!open) throw new RunnerError('internal', `no blob ${digest} in the artifact`);
      return open;
    },
    mountFrom: [],
  };
  const work = await preparePush(registry, pushTarget(target), source, {});
  const message = await work((line) => printProgress(out, line), new AbortController().signal);
  out.write(`${message}: ${target} (${artifact.id})\n`);
}

const SEE_HELP = "\n\nSee 'docker model package --help' for more information";

function absolute(path: string, name: string): string {
  if (!isAbsolute(path)) throw new RunnerError('invalid_request', `${name} path must be absolute.${SEE_HELP}`);
  return path;
}

/** `--from M --context-size N`: a variant made by the runner from the same layers, as DMR's CLI does it. */
async function repackage(flags: PackageFlags, target: string, deps: PackageDeps): Promise<void> {
  if (flags.contextSize === undefined || flags.push || flags.license.length > 0 || flags.chatTemplate) {
    throw new RunnerError('invalid_request', `--from can only be combined with --context-size (a variant made by the runner).${SEE_HELP}`);
  }
  const contextSize = parseContextSize(flags.contextSize)!;
  deps.err.write(`Reading model from daemon: ${JSON.stringify(flags.from)}\nSetting context size ${contextSize}\nCreating lightweight model variant...\n`);
  await (await deps.runner()).repackageModel(flags.from!, target, contextSize);
  deps.err.write('Model variant created successfully\n');
}

/** Build the artifact here, then load it into the runner and tag it, or push it. */
async function packageModel(target: string, flags: PackageFlags, deps: PackageDeps): Promise<void> {
  if (Boolean(flags.gguf) === Boolean(flags.from)) {
    throw new RunnerError('invalid_request', flags.gguf ? `Cannot specify more than one of --gguf or --from. Please use only one source.${SEE_HELP}` : `One of --gguf or --from is required.${SEE_HELP}`);
  }
  if (flags.from) return repackage(flags, target, deps);
  const artifact = await buildModelArtifact({
    ggufPath: absolute(flags.gguf!, 'GGUF'),
    licensePaths: flags.license.map((path) => absolute(path, 'license')),
    ...(flags.chatTemplate ? { chatTemplatePath: absolute(flags.chatTemplate, 'chat template') } : {}),
    contextSize: parseContextSize(flags.contextSize),
  });
  if (flags.push) return pushArtifact(artifact, target, deps);
  const runner = await deps.runner();
  const archive = Readable.toWeb(Readable.from(packModelArchive(artifact.blobs, artifact.manifest)));
  await runner.loadArchive(archive as ReadableStream<Uint8Array>);
  const { repo, tag } = splitTarget(target);
  await runner.tagModel(artifact.id, repo, tag);
  deps.out.write(`Model packaged as ${target} (${artifact.id})\n`);
}

/** `docker model package`. */
export function packageCommand(deps: PackageDeps): Command {
  return new Command('package')
    .description('Package a model into a Docker Model OCI artifact')
    .usage('(--gguf <path> | --from <model>) [--license <path>...] [--chat-template <path>] [--context-size <tokens>] [--push] MODEL')
    .argument('<MODEL>')
    .option('--gguf <path>', 'absolute path to gguf file')
    .option('--from <model>', 'reference to an existing model to repackage (with --context-size)')
    .option('--chat-template <path>', 'absolute path to chat template file (must be Jinja format)')
    .option('-l, --license <path>', 'absolute path to a license file', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--push', 'push to registry (if not set, the model is loaded into the Model Runner content store)')
    .option('--context-size <tokens>', 'context size in tokens')
    .action((target: string, flags: PackageFlags) => packageModel(target, flags, deps));
}

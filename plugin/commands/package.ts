import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ProgressMessage } from '../../src/api/dmr-types.js';
import type { RunnerClient } from '../../src/api/runner-client.js';
import { buildModelArtifact, type ModelArtifact } from '../../src/distribution/build-model-artifact.js';
import { packModelArchive } from '../../src/distribution/model-tar.js';
import { mebibytes } from '../../src/distribution/progress-reporter.js';
import { preparePush, pushTarget } from '../../src/distribution/push-model.js';
import type { RegistryClient } from '../../src/distribution/registry-client.js';
import { RunnerError } from '../../src/shared/errors.js';
import { parseManifest } from '../../src/store/model-artifact.js';

export const packageUsage = `Usage: package --gguf /abs/model.gguf [--license FILE]... [--chat-template FILE] [--context-size N] [--push] TARGET

Packages a GGUF file as a model artifact, loads it into the running model runner and tags it TARGET.
With --push, sends it straight to the registry TARGET names instead (credentials from the Docker config).`;

export interface PackageDeps {
  runner: RunnerClient;
  registry: RegistryClient;
  out: NodeJS.WritableStream;
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

/** `docker model package`: build the artifact here, then load it into the runner and tag it, or push it. */
export async function packageCommand(argv: string[], deps: PackageDeps): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gguf: { type: 'string' },
      license: { type: 'string', multiple: true },
      'chat-template': { type: 'string' },
      'context-size': { type: 'string' },
      push: { type: 'boolean' },
    },
  });
  const [target, ...extra] = positionals;
  if (!values.gguf || !target || extra.length > 0) throw new RunnerError('invalid_request', packageUsage);
  const artifact = await buildModelArtifact({
    ggufPath: values.gguf,
    licensePaths: values.license ?? [],
    ...(values['chat-template'] ? { chatTemplatePath: values['chat-template'] } : {}),
    contextSize: parseContextSize(values['context-size']),
  });
  if (values.push) return pushArtifact(artifact, target, deps);
  const { runner, out } = deps;
  const archive = Readable.toWeb(Readable.from(packModelArchive(artifact.blobs, artifact.manifest)));
  await runner.loadArchive(archive as ReadableStream<Uint8Array>);
  const { repo, tag } = splitTarget(target);
  await runner.tagModel(artifact.id, repo, tag);
  out.write(`Model packaged as ${target} (${artifact.id})\n`);
}

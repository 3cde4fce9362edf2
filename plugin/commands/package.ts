import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { RunnerClient } from '../../src/api/runner-client.js';
import { buildModelArtifact } from '../../src/distribution/build-model-artifact.js';
import { packModelArchive } from '../../src/distribution/model-tar.js';
import { RunnerError } from '../../src/shared/errors.js';

export const packageUsage = `Usage: package --gguf /abs/model.gguf [--license FILE]... [--chat-template FILE] [--context-size N] TARGET

Packages a GGUF file as a model artifact, loads it into the running model runner and tags it TARGET.`;

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

/** `docker model package` without `--push`: build the artifact here, stream it to `/models/load`, tag it. */
export async function packageCommand(argv: string[], runner: RunnerClient, out: NodeJS.WritableStream): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gguf: { type: 'string' },
      license: { type: 'string', multiple: true },
      'chat-template': { type: 'string' },
      'context-size': { type: 'string' },
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
  const archive = Readable.toWeb(Readable.from(packModelArchive(artifact.blobs, artifact.manifest)));
  await runner.loadArchive(archive as ReadableStream<Uint8Array>);
  const { repo, tag } = splitTarget(target);
  await runner.tagModel(artifact.id, repo, tag);
  out.write(`Model packaged as ${target} (${artifact.id})\n`);
}

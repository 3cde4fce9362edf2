import { Writable } from 'node:stream';
import { isRunnerError } from '../../src/shared/errors.js';
import type { CliContext } from '../cli-context.js';
import { clientCall } from '../client-error.js';
import { plainProgress } from '../transfer/plain-progress.js';
import { pullQuietly } from '../transfer/run-transfer.js';
import type { ModelSettings } from '../../src/compose/model-plan.js';


/** A stream whose every line goes to `line`, for progress printers that write to a stream. */
function lineSink(line: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) line(text);
      done();
    },
  });
}

/**
 * What Compose needs before a service starts (reference §9.2–9.3): each model present, pulled
 * when the runner does not have it, then configured. A model is looked up by the runner's own
 * reference rules (`ai/m` finds `docker.io/ai/m:latest`), so a model packaged locally and never
 * pushed anywhere is used as is rather than pulled again.
 */
export async function provisionModels(context: CliContext, models: readonly string[], settings: ModelSettings, info: (message: string) => void): Promise<void> {
  const { client } = await context.runner({ quiet: true });
  for (const model of models) {
    const present = await client.inspectModel(model).then(
      () => true,
      (error: unknown) => {
        if (isRunnerError(error, 'not_found')) return false;
        throw error;
      },
    );
    if (present) continue;
    info(`Pulling ${model}`);
    const signal = new AbortController().signal;
    const progress = lineSink(info);
    await clientCall('Failed to pull model', pullQuietly(client, model, () => plainProgress(progress, 'pull'), signal));
  }
  for (const model of models) {
    const request = {
      model,
      ...(settings.contextSize === undefined ? {} : { 'context-size': settings.contextSize }),
      ...(settings.rawRuntimeFlags ? { 'raw-runtime-flags': settings.rawRuntimeFlags } : {}),
      ...(settings.runtimeFlags?.length ? { 'runtime-flags': settings.runtimeFlags } : {}),
    };
    await clientCall(`failed to configure backend for model ${model}`, client.configure(request), { asIs: ['conflict'] });
    info(`Successfully configured backend for model ${model}`);
  }
}

import { stat } from 'node:fs/promises';
import { formatByteSize } from './format-units.js';
import { makeModel } from './make-model.js';
import { MAKE_MODEL_USAGE, parseMakeModelArgs, UsageError } from './parse-make-model-args.js';

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseMakeModelArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`make-model: ${error.message}\n${MAKE_MODEL_USAGE}`);
    return 2;
  }
  const started = performance.now();
  await makeModel(options);
  const { size } = await stat(options.out);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${options.out}: ${size} bytes (${formatByteSize(size)}) in ${seconds}s`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

// Prints which llama.cpp binary node-llama-cpp loads here, as the runner's workers load it
// (build: 'never'), and whether it uses OpenMP. A file, not `node -e`: node-llama-cpp tests a
// binary in a forked node, which would inherit -e and fail.
import { getLlama } from 'node-llama-cpp';

const llama = await getLlama({ gpu: false, build: 'never' });
process.stdout.write(`${JSON.stringify({ buildType: llama.buildType, openmp: llama.systemInfo.includes('OPENMP = 1') })}\n`);
await llama.dispose();

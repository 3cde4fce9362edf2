// Prints which llama.cpp binary node-llama-cpp loads here, as the runner's workers load it
// (build: 'never'), whether it uses OpenMP, and whether its addon has our sequence-embeddings patch.
// A file, not `node -e`: node-llama-cpp tests a binary in a forked node, which would inherit -e and
// fail. It reads the compiled project (dist), which `npm ci` builds.
import { getLlama } from 'node-llama-cpp';
import { addonEmbedsPerSequence } from '../dist/src/engine/worker/sequence-embedder.js';

const llama = await getLlama({ gpu: false, build: 'never' });
process.stdout.write(
  `${JSON.stringify({ buildType: llama.buildType, openmp: llama.systemInfo.includes('OPENMP = 1'), sequenceEmbeddings: addonEmbedsPerSequence(llama) })}\n`,
);
await llama.dispose();

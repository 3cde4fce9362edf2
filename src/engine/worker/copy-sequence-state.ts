import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CopySequenceState } from './sequence-pool.js';

/**
 * Copies a sequence's state through a file in `directory`: node-llama-cpp saves a sequence to a
 * file and loads one into another, and has no copy in memory (llama.cpp's llama_memory_seq_cp).
 * A few MB for a short prompt on a small model, written and read in a few milliseconds from the
 * page cache, against a hundred or more milliseconds to evaluate the prompt again on a CPU.
 */
export function copySequenceStateThroughFile(directory: string = tmpdir()): CopySequenceState {
  let copies = 0;
  return async (from, to) => {
    const file = join(directory, `model-runner-${process.pid}-${copies++}.sequence`);
    try {
      await from.saveStateToFile(file);
      await to.loadStateFromFile(file, { acceptRisk: true });
    } finally {
      await rm(file, { force: true });
    }
  };
}

import type { EventEmitter } from 'node:events';
import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { clientCall } from '../client-error.js';
import { INTERRUPTED_EXIT_CODE, interruptible } from '../transfer/interrupt.js';
import { plainProgress } from '../transfer/plain-progress.js';
import { silentDisplay, type ProgressDisplay } from '../transfer/progress-display.js';
import { DMR_RETRY_SCHEDULE, type RetrySchedule } from '../transfer/retry.js';
import { runTransfer } from '../transfer/run-transfer.js';
import type { TransferMode } from '../transfer/transfer-request.js';
import { ttyProgress } from '../transfer/tty-progress.js';

/** What a transfer needs of the process beyond the command's context. */
export interface TransferProcess {
  /** Where Ctrl+C arrives. */
  signals: EventEmitter;
  schedule: RetrySchedule;
  /** Sets the exit status: an interrupted transfer ends quietly, with no error to print. */
  exit(code: number): void;
}

const realProcess: TransferProcess = {
  signals: process,
  schedule: DMR_RETRY_SCHEDULE,
  exit: (code) => void (process.exitCode = code),
};

function isHuggingFace(model: string): boolean {
  return /^(hf\.co|huggingface\.co)\//i.test(model);
}

/** A pull or push with its progress shown, as `pull` and `push` run it and `run` pulls a missing model. */
export async function transferModel(context: CliContext, mode: TransferMode, model: string, { quiet = false, host = realProcess }: { quiet?: boolean; host?: TransferProcess } = {}): Promise<void> {
  const { client } = await context.runner();
  const display = (): ProgressDisplay => (quiet ? silentDisplay : context.out.isTTY ? ttyProgress(context.out, mode) : plainProgress(context.out, mode));
  const bearerToken = isHuggingFace(model) ? context.env.HF_TOKEN || undefined : undefined;
  const result = await interruptible(host.signals, async (signal) => {
    const running = runTransfer({ mode, model, bearerToken }, { client, display, out: context.out, err: context.err, schedule: host.schedule, signal });
    try {
      return await clientCall(mode === 'pull' ? 'Failed to pull model' : 'Failed to push model', running);
    } catch (error) {
      if (signal.aborted) return undefined;
      throw error;
    }
  });
  if (result === undefined) return host.exit(INTERRUPTED_EXIT_CODE);
  context.out.write(`${result}\n`);
}

const DESCRIPTIONS: Record<TransferMode, string> = {
  pull: 'Pull a model from Docker Hub or HuggingFace to your local environment',
  push: 'Push a model to Docker Hub or Hugging Face',
};

/** `pull` and `push`: a transfer run by the runner, its progress shown here (reference §8.2). */
export function transferCommands(context: CliContext, host: TransferProcess = realProcess): Command[] {
  return (['pull', 'push'] as const).map((mode) =>
    new Command(mode)
      .description(DESCRIPTIONS[mode])
      .argument('<MODEL>')
      .option('-q, --quiet', 'Do not show progress, only the result')
      .action((model: string, flags: { quiet?: boolean }) => transferModel(context, mode, model, { quiet: flags.quiet ?? false, host })),
  );
}

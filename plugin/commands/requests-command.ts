import { Command } from 'commander';
import { RunnerError } from '../../src/shared/errors.js';
import { textLines } from '../../src/shared/text-lines.js';
import type { CliContext } from '../cli-context.js';
import { clientCall } from '../client-error.js';

interface RequestsOptions {
  follow?: boolean;
  includeExisting?: boolean;
  model?: string;
}

/** DMR's printing of the stream: the data of each stored and each new request, a line each. */
async function follow(response: Response, out: CliContext['out']): Promise<void> {
  out.write('Connected to request stream. Press Ctrl+C to stop.\n');
  let event = '';
  for await (const line of textLines(response.body!)) {
    if (line.startsWith('event: ')) event = line.slice('event: '.length);
    else if (line.startsWith('data: ') && (event === 'new_request' || event === 'existing_request')) out.write(`${line.slice('data: '.length)}\n`);
  }
  out.write('Stream closed by server.\n');
}

/** `docker model requests`: the runner's recorded requests and answers, as DMR's CLI prints them. */
export function requestsCommand(context: CliContext): Command {
  return new Command('requests')
    .description('Fetch requests+responses from Docker Model Runner')
    .usage('[OPTIONS]')
    .option('-f, --follow', 'Follow requests stream')
    .option('--include-existing', 'Include existing requests when starting to follow (only available with --follow)')
    .option('--model <MODEL>', 'Specify the model to filter requests')
    .action(async (options: RequestsOptions) => {
      if (options.includeExisting && !options.follow) throw new RunnerError('invalid_request', '--include-existing can only be used with --follow');
      const { client } = await context.runner();
      const interrupted = new AbortController();
      const interrupt = () => interrupted.abort();
      // Ctrl+C ends following, and the command with it, successfully.
      process.once('SIGINT', interrupt);
      try {
        const failure = `Failed to get requests${options.model ? ` for ${options.model}` : ''}`;
        const response = await clientCall(failure, client.requests({ ...options, signal: interrupted.signal }));
        if (options.follow) return await follow(response, context.out);
        // DMR's runner ends the JSON with a newline; so does the output, whichever runner answered.
        const body = await response.text();
        context.out.write(body.endsWith('\n') ? body : `${body}\n`);
      } catch (error) {
        if (!interrupted.signal.aborted) throw error;
      } finally {
        process.off('SIGINT', interrupt);
      }
    });
}

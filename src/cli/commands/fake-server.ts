/**
 * `smoothie fake-server`: the deterministic local OpenAI-compatible server the tests use, for trying
 * `generate`, the routers and ensembles without an API key. Answers are a pure function of (model,
 * prompt, choice, seed); it runs until SIGINT/SIGTERM.
 */
import type { Argv, CommandModule } from 'yargs';
import { UserInputError } from '../../errors/index.js';
import { startFakeServer } from '../../llm/testing/fake-server.js';
import { outputOptions, type InferredArgs } from '../options.js';

/** Longest setTimeout Node accepts: the server's safety-net lifetime, i.e. until stopped. */
const FOREVER_MS = 2 ** 31 - 1;

function builder(y: Argv) {
  return outputOptions(y)
    .option('host', { type: 'string', default: '127.0.0.1' })
    .option('port', { type: 'number', default: 8000, describe: '0 picks a free port' })
    .option('delay-ms', { type: 'number', default: 0, describe: 'Latency of every answer' })
    .option('keys', { type: 'string', array: true, describe: 'Accepted bearer keys (default: any)' });
}

export const fakeServerCommand: CommandModule<object, InferredArgs<typeof builder>> = {
  command: 'fake-server',
  describe: 'Run the local fake OpenAI-compatible server (deterministic answers, no key) the tests use',
  builder,
  handler: async (args) => {
    if (args.host !== '127.0.0.1' && args.host !== 'localhost' && args.host !== '::1') {
      throw new UserInputError(`the fake server only listens on loopback (127.0.0.1, localhost, ::1), got '${args.host}'`, { field: '--host' });
    }
    const server = await startFakeServer({ port: args.port, host: args.host, delayMs: args['delay-ms'], keys: args.keys, lifetimeMs: FOREVER_MS, record: false }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserInputError(code === 'EADDRINUSE' ? `port ${args.port} is in use (pick another with --port, or 0 for any)` : (error as Error).message, { field: '--port' });
    });
    if (args.json) process.stdout.write(`${JSON.stringify({ event: 'serving', base_url: server.baseUrl })}\n`);
    else if (!args.quiet) process.stdout.write(`fake OpenAI-compatible server at ${server.baseUrl} (Ctrl-C stops)\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    if (args.json) process.stdout.write(`${JSON.stringify({ event: 'stopped', answered: server.completed() })}\n`);
    else if (!args.quiet) process.stdout.write(`stopped after ${server.completed()} answers\n`);
  },
};

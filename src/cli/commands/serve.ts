/** `smoothie serve`: a saved router as an OpenAI-compatible chat completions server. */
import { existsSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadModelRegistry } from '../../llm/registry.js';
import { loadRouter } from '../../route/router.js';
import { serveRouter } from '../../route/serve.js';

type ServeArgs = ArgumentsCamelCase<{ router: string; models: string; host: string; port: number; 'max-concurrency': number; 'max-queue': number; quiet: boolean }>;

function builder(y: Argv) {
  return y
    .option('router', { type: 'string', demandOption: true, describe: 'Router file written by router.save()' })
    .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry the router calls (needed by the cascades)' })
    .option('host', { type: 'string', default: '127.0.0.1' })
    .option('port', { type: 'number', default: 8000, describe: '0 picks a free port' })
    .option('max-concurrency', { type: 'number', default: 32, describe: 'Requests routed at once' })
    .option('max-queue', { type: 'number', default: 1024, describe: 'Requests waiting beyond those (more get 503)' })
    .option('quiet', { type: 'boolean', default: false });
}

async function handler(args: ServeArgs): Promise<void> {
  const registry = existsSync(args.models) ? await loadModelRegistry(args.models) : undefined;
  const router = await loadRouter(args.router, { registry });
  const served = await serveRouter(router, { host: args.host, port: args.port, maxConcurrency: args['max-concurrency'], maxQueue: args['max-queue'] });
  if (!args.quiet) process.stdout.write(`serving ${router.strategy} router ${args.router} at ${served.url}/v1/chat/completions (health: ${served.url}/health)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      served.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await router.dispose();
  if (!args.quiet) process.stdout.write('stopped: every request in flight was answered\n');
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serve a saved router as an OpenAI-compatible chat completions endpoint',
  builder: builder as unknown as CommandModule<object, ServeArgs>['builder'],
  handler,
};

/** `smoothie serve`: a saved router as an OpenAI-compatible chat completions server. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UserInputError } from '../../errors/index.js';
import { loadModelRegistry } from '../../llm/registry.js';
import { DEFAULT_LANCE_TABLE, DEFAULT_REFRESH_MS } from '../../route/lance-store.js';
import { isReplica, joinReplicas, parseWorkers, superviseReplicas } from '../../route/replicas.js';
import { hasUriScheme } from '../../route/store.js';
import { loadRouter } from '../../route/router.js';
import { serveRouter } from '../../route/serve.js';
import { ROUTER_STRATEGIES } from '../../route/strategies.js';
import { outputOptions, type InferredArgs } from '../options.js';

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 2 ** 10, m: 1e6, mb: 1e6, mib: 2 ** 20, g: 1e9, gb: 1e9, gib: 2 ** 30 };

/** `4mb`, `512KiB`, `1048576`: bytes. */
export function parseByteSize(text: string, flag = '--max-body'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m?.[2].toLowerCase() ?? '';
  if (!m || !Object.hasOwn(UNITS, unit) || Number(m[1]) <= 0) {
    throw new UserInputError(`must be a size such as 4mb, 512kb or 1048576 (bytes), got '${text}'`, { field: flag });
  }
  return Math.floor(Number(m[1]) * UNITS[unit]);
}

/** The strategy table, as `--help` lists it. */
export function strategiesEpilogue(): string {
  const rows = Object.values(ROUTER_STRATEGIES).map((s) => `  ${s.name.padEnd(18)}${s.summary} [${s.source}]`);
  return `Strategies a router file may hold:\n${rows.join('\n')}`;
}

function builder(y: Argv) {
  return outputOptions(y)
    .epilogue(strategiesEpilogue())
    .option('router', { type: 'string', demandOption: true, describe: 'Router file written by router.save()' })
    .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry the router calls (needed by the cascades)' })
    .option('host', { type: 'string', default: '127.0.0.1' })
    .option('port', { type: 'number', default: 8000, describe: '0 picks a free port' })
    .option('max-concurrency', { type: 'number', default: 32, describe: 'Requests routed at once' })
    .option('max-queue', { type: 'number', default: 1024, describe: 'Requests waiting beyond those (more get 503)' })
    .option('max-body', { type: 'string', default: '4mib', describe: 'Largest request body (larger ones get 413), e.g. 4mb, 20MiB, 1048576' })
    .option('drain-timeout', { type: 'number', default: 30, describe: 'Seconds SIGTERM/SIGINT waits for the requests in flight before closing their connections' })
    .option('store', { type: 'string', describe: 'select routers: keep the reference store in this LanceDB database (folder or s3://… URI), shared with other serve processes' })
    .option('store-table', { type: 'string', default: DEFAULT_LANCE_TABLE, describe: 'Table of the --store database' })
    .option('store-refresh', { type: 'number', default: DEFAULT_REFRESH_MS, describe: 'Milliseconds between reads of the rows other processes added to --store' })
    .option('workers', { type: 'string', default: '1', describe: 'Replicas on the one port (node:cluster), each loading the router: a number, or auto (one per core)' })
    .option('log-requests', { type: 'boolean', default: false, describe: 'One JSON line per request on stderr: request id, path, status, ms, model, escalation (never a body or key)' });
}

type ServeArgs = ArgumentsCamelCase<InferredArgs<typeof builder>>;

async function handler(args: ServeArgs): Promise<void> {
  const maxBodyBytes = parseByteSize(args['max-body']);
  const drainTimeout = args['drain-timeout'];
  if (!Number.isFinite(drainTimeout) || drainTimeout < 0) throw new UserInputError(`must be a number of seconds ≥ 0, got ${drainTimeout}`, { field: '--drain-timeout' });
  const workers = parseWorkers(args.workers);
  if (workers > 1 && !isReplica()) return supervise(args, workers, maxBodyBytes);
  const registry = existsSync(args.models) ? await loadModelRegistry(args.models) : undefined;
  const refreshMs = args['store-refresh'];
  if (!Number.isFinite(refreshMs) || refreshMs < 0) throw new UserInputError(`must be a number of milliseconds ≥ 0, got ${refreshMs}`, { field: '--store-refresh' });
  const store = args.store
    ? {
        uri: hasUriScheme(args.store) ? args.store : path.resolve(args.store),
        table: args['store-table'],
        refreshMs,
        onRefreshError: (error: Error) => void process.stderr.write(`smoothie serve: store refresh failed (retrying): ${error.message.split('\n')[0]}\n`),
      }
    : undefined;
  // One embedder thread per request: a server embeds many requests at once (or runs one replica per
  // core), and ONNX Runtime's intra-op threads then only contend (use: ~4× the CPU per request at 50 clients).
  const router = await loadRouter(args.router, { registry, store, embedderOptions: { threads: 1 } });
  let replica: ReturnType<typeof joinReplicas> | undefined;
  const served = await serveRouter(router, {
    host: args.host,
    port: args.port,
    maxConcurrency: args['max-concurrency'],
    maxQueue: args['max-queue'],
    maxBodyBytes,
    drainTimeoutMs: drainTimeout * 1000,
    onLog: args['log-requests'] ? (entry) => void process.stderr.write(`${JSON.stringify(entry)}\n`) : undefined,
    metricsText: isReplica() ? () => replica!.metricsText() : undefined,
  });
  let stop = (): void => undefined;
  if (isReplica()) replica = joinReplicas(served.metrics, () => stop());
  const endpoint = `${served.url}/v1/chat/completions`;
  // A replica only serves and drains: the primary announces the address and the end.
  if (!isReplica() && args.json) {
    process.stdout.write(
      `${JSON.stringify({ event: 'serving', strategy: router.strategy, router: args.router, url: served.url, endpoint, health: `${served.url}/health`, metrics: `${served.url}/metrics`, max_body_bytes: maxBodyBytes, store: store ? { uri: store.uri, table: store.table, refresh_ms: store.refreshMs } : null })}\n`,
    );
  } else if (!isReplica() && !args.quiet) process.stdout.write(`serving ${router.strategy} router ${args.router} at ${endpoint} (health: ${served.url}/health, metrics: ${served.url}/metrics)\n`);
  const { drained } = await new Promise<{ drained: boolean }>((resolve) => {
    let stopping = false;
    stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (stopping) return;
      stopping = true;
      served.close().then(resolve, () => resolve({ drained: false }));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await router.dispose();
  if (replica) return replica.stopped(drained);
  if (args.json) process.stdout.write(`${JSON.stringify({ event: 'stopped', drained })}\n`);
  else if (!args.quiet) {
    process.stdout.write(drained ? 'stopped: every request in flight was answered\n' : `stopped: the drain timeout (${drainTimeout} s) cut the requests still in flight\n`);
  }
}

/** The cluster primary: forks the replicas, prints where they serve and how they stopped. */
async function supervise(args: ServeArgs, workers: number, maxBodyBytes: number): Promise<void> {
  const drainTimeout = args['drain-timeout'];
  const result = await superviseReplicas({
    workers,
    drainTimeoutS: drainTimeout,
    onListening: (url) => {
      const endpoint = `${url}/v1/chat/completions`;
      if (args.json) {
        process.stdout.write(
          `${JSON.stringify({ event: 'serving', router: args.router, url, endpoint, health: `${url}/health`, metrics: `${url}/metrics`, max_body_bytes: maxBodyBytes, workers })}\n`,
        );
      } else if (!args.quiet) process.stdout.write(`serving router ${args.router} at ${endpoint} with ${workers} workers (health: ${url}/health, metrics: ${url}/metrics)\n`);
    },
    onReplaced: (code, signal) => process.stderr.write(`smoothie serve: a worker exited (${signal ?? `code ${code}`}) and was replaced\n`),
  });
  if (result.failedExitCode !== undefined) {
    // The worker printed why; the primary exits the same way.
    process.exitCode = result.failedExitCode;
    return;
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ event: 'stopped', drained: result.drained, workers })}\n`);
  else if (!args.quiet) {
    process.stdout.write(result.drained ? 'stopped: every request in flight was answered\n' : `stopped: the drain timeout (${drainTimeout} s) cut the requests still in flight\n`);
  }
}

export const serveCommand: CommandModule<object, InferredArgs<typeof builder>> = {
  command: 'serve',
  describe: 'Serve a saved router as an OpenAI-compatible chat completions endpoint',
  builder,
  handler,
};

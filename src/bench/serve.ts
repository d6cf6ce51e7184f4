/**
 * `npm run bench serve`: what `smoothie serve` adds in front of real model endpoints, measured with a
 * maintained HTTP load generator (autocannon) on loopback, against the same upstream calls made
 * directly in the same run. The fake models (`smoothie fake-server`), each `smoothie serve` and the
 * load generator are separate processes sharing the machine's cores, as a new user would run them.
 *
 * Per configuration: p50/p99 latency at one client (every response's time, from autocannon's
 * response events, in fractional ms) and requests/s at 50 clients. "direct" sends the exact upstream
 * requests a routed request makes (recorded from the router), one after another on one connection:
 * its latency per routed request is the sum of its calls, its requests/s the calls/s divided by the
 * calls per routed request. Replicas: `smoothie serve --workers N` (node:cluster, one listening port),
 * every worker loading the same saved router (the same store files). Set SMOOTHIE_BENCH_STORE_URI to
 * pass `--store <uri>` to every replica (a store shared by the replicas; see `replicaArgs`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createEmbedder } from '../embed/factory.js';
import { ModelRegistry } from '../llm/registry.js';
import { fakeAnswer, startFakeServer } from '../llm/testing/fake-server.js';
import { migrateStore } from '../route/migrate-store.js';
import { createRouter, loadRouter, type Router } from '../route/router.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

/** Options of one bench run (the defaults are what `npm run bench serve` measures). */
export interface ServeBenchOptions {
  /** Seconds of load per measurement (after a 1 s warm-up). @default 5 */
  readonly seconds?: number;
  /** Connections of the throughput measurement. @default 50 */
  readonly clients?: number;
  /** Replica counts (`--workers`). @default [1, 2] */
  readonly replicas?: readonly number[];
  /** Rows in the select routers' reference store (search at scale: `npm run bench route`). @default 100 */
  readonly storeRows?: number;
  /** Shared store for the replicas, passed as `--store <uri>` (the lead's LanceDB store). @default $SMOOTHIE_BENCH_STORE_URI */
  readonly storeUri?: string;
  /** Another build's CLI (e.g. the previous commit's dist/cli/main.js) measured as `before`, 1 replica. @default $SMOOTHIE_BENCH_BEFORE_CLI */
  readonly beforeCli?: string;
}

/** CPU seconds (user + system) of a process and its descendants, from /proc (Linux; undefined elsewhere). */
function treeCpuSeconds(pid: number, tick: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    let total = ticks / tick;
    for (const child of children ? children.split(' ') : []) total += treeCpuSeconds(Number(child), tick) ?? 0;
    return total;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's CPU times. */
function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

interface Load {
  readonly requests: number;
  readonly requests_per_second: number;
  readonly non_2xx: number;
  readonly errors: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** Every response's latency in ms (one client only), in order. */
  readonly latencies?: number[];
}

interface Body {
  readonly path: string;
  readonly body: string;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** autocannon on loopback for a bounded time; latencies from its response events (its histogram keeps whole ms). */
async function load(url: string, bodies: readonly Body[], connections: number, seconds: number, keep = false): Promise<Load> {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') throw new Error(`the serve bench only loads loopback, got ${url}`);
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        timeout: 10,
        requests: bodies.map((b) => ({ method: 'POST' as const, path: b.path, headers: { 'content-type': 'application/json' }, body: b.body })),
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) latencies.push(ms);
    });
  });
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: latencies.length,
    requests_per_second: latencies.length / seconds,
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    ...(keep ? { latencies } : {}),
  };
}

/** Runs `smoothie <args> --json` and resolves once it prints its `serving` event. */
async function startCli(args: readonly string[], cwd: string, cli = CLI): Promise<{ readonly child: ChildProcess; readonly event: Record<string, unknown>; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [cli, ...args, '--json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const event = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (line.startsWith('{') && line.includes('"serving"')) resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    void exited.then((code) => reject(new Error(`smoothie ${args[0]} exited (${code}) before serving: ${err.trim().split('\n').at(-1) ?? ''}`)));
  });
  return {
    child,
    event,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The upstream requests one routed request makes, recorded from the router on an in-process fake server. */
async function upstreamBodies(make: (registry: ModelRegistry) => Promise<Router>, prompts: readonly string[]): Promise<Body[][]> {
  const fake = await startFakeServer({ record: true });
  try {
    const registry = benchRegistry(fake.baseUrl);
    const router = await make(registry);
    const out: Body[][] = [];
    for (const prompt of prompts) {
      const before = fake.received.length;
      await router.route({ input: [{ role: 'user', content: prompt }] });
      out.push(fake.received.slice(before).map((r) => ({ path: r.path, body: JSON.stringify(r.body) })));
    }
    await router.dispose();
    return out;
  } finally {
    await fake.close();
  }
}

const MODELS = ['small', 'large', 'a', 'b', 'c'] as const;

function benchRegistry(baseUrl: string): ModelRegistry {
  return ModelRegistry.fromObject({ models: Object.fromEntries(MODELS.map((m) => [m, { base_url: baseUrl, model: m, max_concurrency: 64 }])) });
}

/** p50 of `route()` in this process on the saved router (one embedder thread, as `serve`), candidates given: the compute a select request costs (embedding, search, weights). */
async function routeCompute(file: string, prompts: readonly string[], voters: readonly string[]): Promise<number> {
  const router = await loadRouter(file, { embedderOptions: { threads: 1 } });
  const times: number[] = [];
  try {
    for (let i = 0; i < 300; i++) {
      const input = prompts[i % prompts.length];
      const candidates = voters.map((v) => fakeAnswer(v, input, 0));
      const t = performance.now();
      await router.route({ input: [{ role: 'user', content: input }], candidates });
      if (i >= 50) times.push(performance.now() - t);
    }
  } finally {
    await router.dispose();
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

/**
 * Extra `smoothie serve` arguments of every replica: `--store <uri>` when a shared store is given.
 * (The merge wires `--store` to the shared LanceDB store; until then the bench passes nothing.)
 */
export function replicaArgs(storeUri: string | undefined): string[] {
  return storeUri ? ['--store', storeUri] : [];
}

/** Whether the optional LanceDB package is installed (the shared-store runs need it). */
async function lanceInstalled(): Promise<boolean> {
  try {
    await import('@lancedb/lancedb');
    return true;
  } catch {
    return false;
  }
}

/** `file`'s router with `learn: true`, its stored rows migrated into a LanceDB folder: the router file every replica loads. */
async function sharedLearningRouter(file: string, dir: string): Promise<string> {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, unknown> };
  const learning = file.replace(/\.json$/, '-learn.json');
  await writeFile(learning, JSON.stringify({ ...saved, config: { ...saved.config, learn: true } }));
  const shared = file.replace(/\.json$/, '-shared.json');
  await migrateStore(learning, { uri: path.join(dir, 'lance-store'), out: shared });
  return shared;
}

export async function benchServe(options: ServeBenchOptions = {}): Promise<Record<string, unknown>> {
  const seconds = options.seconds ?? 5;
  const clients = options.clients ?? 50;
  const replicas = options.replicas ?? [1, 2];
  const storeRows = options.storeRows ?? 100;
  const storeUri = options.storeUri ?? process.env.SMOOTHIE_BENCH_STORE_URI;
  const beforeCli = options.beforeCli ?? process.env.SMOOTHIE_BENCH_BEFORE_CLI;
  const tick = clockTicks();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'smoothie-bench-serve-'));
  const prompts = Array.from({ length: 16 }, (_, i) => `What is the capital of country number ${i}? Answer in one word.`);
  const chat = prompts.map((p) => ({ path: '/v1/chat/completions', body: JSON.stringify({ model: 'router', messages: [{ role: 'user', content: p }] }) }));
  const voters = ['a', 'b', 'c'];
  const strategies = [
    { name: 'cascade', config: { strategy: 'cascade' as const, slm: 'small', llm: 'large', k: 4 } },
    { name: 'select (hash embedder)', config: { strategy: 'select' as const, voters, embedder: 'hash', k: 20 } },
    { name: 'select (use embedder)', config: { strategy: 'select' as const, voters, embedder: 'use', k: 20 } },
  ];
  const upstream = await startCli(['fake-server', '--port', '0'], dir);
  const rows: Record<string, unknown>[] = [];
  try {
    const baseUrl = String(upstream.event.base_url);
    await writeFile(path.join(dir, 'models.yaml'), `models:\n${MODELS.map((m) => `  ${m}: {base_url: "${baseUrl}", model: ${m}, max_concurrency: 64}\n`).join('')}`);
    for (const s of strategies) {
      // The router file: select routers get a store of past requests (the fake voters' answers).
      const make = async (registry?: ModelRegistry): Promise<Router> => {
        if (s.config.strategy === 'cascade') return createRouter(s.config, { registry });
        const router = await createRouter(s.config, { registry, embedder: await createEmbedder(s.config.embedder) });
        const past = Array.from({ length: storeRows }, (_, i) => `past question ${i} about topic ${i % 37}`);
        await router.add(past.map((input) => ({ input, candidates: voters.map((v) => fakeAnswer(v, input, 0)) })));
        return router;
      };
      const file = path.join(dir, `${s.config.strategy}-${'embedder' in s.config ? s.config.embedder : 'none'}.json`);
      const saved = await make(benchRegistry(baseUrl));
      await saved.save(file);
      await saved.dispose();
      const calls = await upstreamBodies(make, prompts);
      const compute = s.config.strategy === 'select' ? await routeCompute(file, prompts, voters) : undefined;
      const perRequest = calls[0].length;
      // Direct: the same upstream calls, one after another on one connection (latency = their sum).
      await load(baseUrl, calls.flat(), 1, 1);
      const one = await load(baseUrl, calls.flat(), 1, seconds, true);
      const sums: number[] = [];
      for (let i = 0; i + perRequest <= one.latencies!.length; i += perRequest) sums.push(one.latencies!.slice(i, i + perRequest).reduce((a, b) => a + b, 0));
      sums.sort((a, b) => a - b);
      const many = await load(baseUrl, calls.flat(), clients, seconds);
      const direct = { p50_ms: percentile(sums, 50), p99_ms: percentile(sums, 99), requests_per_second: many.requests_per_second / perRequest, calls_per_second: many.requests_per_second };
      if (compute !== undefined) console.log(`serve ${s.name}: route() in process without model calls (embedding, search, weights) p50 ${compute.toFixed(2)} ms`);
      console.log(
        `serve ${s.name}: direct (${perRequest} upstream calls): 1 client p50 ${direct.p50_ms.toFixed(2)} ms, p99 ${direct.p99_ms.toFixed(2)} ms; ${clients} clients ${direct.requests_per_second.toFixed(0)} requests/s`,
      );
      const served: Record<string, unknown>[] = [];
      // Replicas that learn together: the hash select router with `learn: true`, its store migrated into one LanceDB folder they share.
      const sharedFile = s.config.strategy === 'select' && s.config.embedder === 'hash' && !storeUri && (await lanceInstalled()) ? await sharedLearningRouter(file, dir) : undefined;
      const runs: { n: number; cli: string; label: string; router?: string }[] = [
        ...(beforeCli ? [{ n: 1, cli: beforeCli, label: 'before' }] : []),
        ...replicas.map((n) => ({ n, cli: CLI, label: `${n} replica${n > 1 ? 's' : ''}` })),
        ...(sharedFile ? replicas.map((n) => ({ n, cli: CLI, label: `${n} replica${n > 1 ? 's' : ''}, learning into one shared LanceDB store`, router: sharedFile })) : []),
      ];
      for (const { n, cli, label, router } of runs) {
        const server = await startCli(
          ['serve', '--router', router ?? file, '--models', 'models.yaml', '--port', '0', ...(n > 1 ? ['--workers', String(n)] : []), ...(cli === CLI ? replicaArgs(storeUri) : [])],
          dir,
          cli,
        );
        try {
          const url = String(server.event.url);
          await load(url, chat, 1, 1);
          const single = await load(url, chat, 1, seconds);
          await load(url, chat, clients, 1);
          const cpuBefore = treeCpuSeconds(server.child.pid!, tick);
          const loaded = await load(url, chat, clients, seconds);
          const cpuAfter = treeCpuSeconds(server.child.pid!, tick);
          const row = {
            build: cli === CLI ? 'this' : cli,
            replicas: n,
            shared_store: router !== undefined || (cli === CLI && storeUri !== undefined),
            learn: router !== undefined,
            p50_ms: single.p50_ms,
            p99_ms: single.p99_ms,
            added_p50_ms: single.p50_ms - direct.p50_ms,
            requests_per_second: loaded.requests_per_second,
            throughput_vs_direct: loaded.requests_per_second / direct.requests_per_second,
            p50_ms_at_clients: loaded.p50_ms,
            serve_cpu_ms_per_request: cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / loaded.requests : undefined,
            non_2xx: single.non_2xx + loaded.non_2xx,
            errors: single.errors + loaded.errors,
          };
          served.push(row);
          console.log(
            `serve ${s.name}, ${label}: 1 client p50 ${row.p50_ms.toFixed(2)} ms (+${row.added_p50_ms.toFixed(2)} ms vs direct), p99 ${row.p99_ms.toFixed(2)} ms; ${clients} clients ${row.requests_per_second.toFixed(0)} requests/s (×${row.throughput_vs_direct.toFixed(2)} of direct)${row.serve_cpu_ms_per_request !== undefined ? `, serve CPU ${row.serve_cpu_ms_per_request.toFixed(2)} ms/request` : ''}${row.non_2xx + row.errors > 0 ? `; ${row.non_2xx} non-2xx, ${row.errors} errors` : ''}`,
          );
        } finally {
          await server.stop();
        }
      }
      rows.push({
        strategy: s.name,
        config: s.config,
        upstream_calls_per_request: perRequest,
        store_rows: s.config.strategy === 'select' ? storeRows : undefined,
        route_compute_p50_ms: compute,
        direct,
        serve: served,
      });
    }
  } finally {
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    load_generator: `autocannon ${(createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version}, loopback`,
    seconds_per_measurement: seconds,
    clients,
    shared_store_uri: storeUri ?? null,
    note: "fake models (smoothie fake-server), smoothie serve and the load generator are separate processes sharing the cores; direct = the routed request's upstream calls sent one after another on one connection (select sends its three at once)",
    results: rows,
  };
}
